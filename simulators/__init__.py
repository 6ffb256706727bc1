"""Stand-ins for the real world, speaking the real protocols (MQTT, HTTP). They never
write the store and import nothing of the app but the province profile and broker
URLs."""
