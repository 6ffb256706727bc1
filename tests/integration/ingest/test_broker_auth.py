"""The embedded broker refuses anonymous clients and wrong passwords unless demo mode
allows anonymous ones; the app's own clients get a per-start password."""

from __future__ import annotations

import logging
import uuid
from urllib.parse import quote

import paho.mqtt.client as mqtt
import pytest
from pwdlib import PasswordHash

from datasources.broker import EmbeddedBroker
from mqtt_url import parse_broker_url
from tests.conftest import free_port


def _connect(port: int, username: str | None = None, password: str | None = None):
    """The CONNACK reason code of a connection attempt (0 = accepted)."""
    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2, client_id=f"t-{uuid.uuid4().hex[:8]}"
    )
    if username is not None:
        client.username_pw_set(username, password)
    result: list = []
    client.on_connect = lambda c, u, f, rc, p: result.append(rc)
    client.connect("127.0.0.1", port)
    client.loop_start()
    try:
        from tests.helpers import wait_for

        wait_for(lambda: result, timeout=10, message="CONNACK")
    finally:
        client.disconnect()
        client.loop_stop()
    return result[0]


@pytest.fixture
def broker(tmp_path):
    extra = tmp_path / "sensors.passwd"
    extra.write_text(f"tram-01:{PasswordHash.recommended().hash('sensor-secret')}\n")
    b = EmbeddedBroker("127.0.0.1", free_port(), password_file=str(extra)).start()
    yield b
    b.stop()


def test_the_embedded_broker_refuses_anonymous_and_wrong_passwords(broker):
    assert _connect(broker.port).is_failure
    assert _connect(broker.port, "ioc", "guess").is_failure
    assert _connect(broker.port, "tram-01", "wrong").is_failure


def test_the_apps_own_clients_and_listed_sensors_are_let_in(broker):
    addr = parse_broker_url(broker.url)
    assert addr.username == "ioc" and len(addr.password) >= 24
    assert not _connect(broker.port, addr.username, addr.password).is_failure
    assert not _connect(broker.port, "tram-01", "sensor-secret").is_failure


def test_demo_mode_lets_anonymous_clients_in():
    b = EmbeddedBroker("127.0.0.1", free_port(), allow_anonymous=True).start()
    try:
        # The app keeps its own account: anonymous clients may not subscribe.
        assert parse_broker_url(b.url).username == "ioc"
        assert not _connect(b.port).is_failure
    finally:
        b.stop()


def test_broker_ingest_and_simulator_logs_carry_no_password(
    sqlite_engine, caplog, tmp_path
):
    from datasources.mqtt_ingest import IngestSettings, MqttIngest
    from simulators.sensors import connect_client
    from tests.helpers import wait_for

    caplog.set_level(logging.DEBUG)
    b = EmbeddedBroker("127.0.0.1", free_port()).start()
    ingest = refused = publisher = None
    try:
        ingest = MqttIngest(
            sqlite_engine, IngestSettings(url=b.url, spill_path=tmp_path / "a.jsonl")
        ).start()
        wrong = b.url.replace(quote(b.password, safe=""), "wrong-Pa55word")
        refused = MqttIngest(
            sqlite_engine,
            IngestSettings(
                url=wrong, client_id="ioc-refused", spill_path=tmp_path / "b.jsonl"
            ),
        ).start()
        publisher = connect_client(b.url, "ioc-simulator")
        wait_for(ingest.subscribed.is_set, message="ingest subscription")
        wait_for(
            lambda: "refused" in caplog.text and "simulator" in caplog.text,
            message="the refused connection and the simulator in the log",
        )
    finally:
        for client in (ingest, refused):
            if client is not None:
                client.stop()
        if publisher is not None:
            publisher.disconnect()
            publisher.loop_stop()
        b.stop()
    assert f"127.0.0.1:{b.port}" in caplog.text
    for secret in (b.password, quote(b.password, safe=""), "wrong-Pa55word"):
        assert secret not in caplog.text
