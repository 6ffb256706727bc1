"""REST API for other systems (the province's data-sharing platform reads the IOC)."""
