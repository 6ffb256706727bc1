"""The shared store: schema, writes, rollups and read queries. Imports no Dash."""
