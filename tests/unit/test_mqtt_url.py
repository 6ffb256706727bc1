"""Broker URLs: parsed for the clients, and written to logs without their password."""

from __future__ import annotations

import pytest

from mqtt_url import parse_broker_url, redact


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("mqtt://ioc:s3cr%2Fet@127.0.0.1:1884", "mqtt://ioc:***@127.0.0.1:1884"),
        ("mqtts://ingest:pw@mqtt.example", "mqtts://ingest:***@mqtt.example"),
        ("mqtt://[::1]:1883", "mqtt://[::1]:1883"),
        ("mqtt://user:p@ss@[::1]:1883", "mqtt://user:***@[::1]:1883"),
        ("mqtt://sensor-only@host:1883", "mqtt://sensor-only@host:1883"),
        ("mqtt://127.0.0.1:1883", "mqtt://127.0.0.1:1883"),
    ],
)
def test_redact_hides_the_password_of_a_broker_url(url, shown):
    assert redact(url) == shown


def test_redact_keeps_what_parse_reads_apart_from_the_password():
    url = "mqtts://ioc:pa%40ss@mqtt.example:8883"
    a, b = parse_broker_url(url), parse_broker_url(redact(url))
    assert (a.host, a.port, a.tls, a.username) == (b.host, b.port, b.tls, b.username)
    assert a.password == "pa@ss" and b.password == "***"
