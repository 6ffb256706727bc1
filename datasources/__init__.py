"""Adapters that bring data into the store: MQTT ingest, HTTP pollers. Import no
Dash."""
