"""Who may do what on the embedded broker: a sensor account publishes its own readings
and nothing else; only the app's account subscribes, publishes anywhere and uses the
app's client ids (a sensor must not end the ingest's session and take its messages).
Demo mode lets anonymous clients in as sensors, never as the app."""

from __future__ import annotations

import pytest
from pwdlib import PasswordHash

from datasources.broker import EmbeddedBroker
from mqtt_url import parse_broker_url
from tests.conftest import free_port
from tests.helpers import wait_for

SENSOR_PASSWORD = "sensor-secret"


@pytest.fixture
def broker(tmp_path):
    extra = tmp_path / "sensors.passwd"
    hashed = PasswordHash.recommended().hash(SENSOR_PASSWORD)
    extra.write_text(f"aq-1:{hashed}\naq-2:{hashed}\n")
    b = EmbeddedBroker("127.0.0.1", free_port(), password_file=str(extra)).start()
    yield b
    b.stop()


def _app(broker: EmbeddedBroker) -> tuple[str, str]:
    addr = parse_broker_url(broker.url)
    return addr.username, addr.password


def test_a_sensor_account_cannot_take_the_ingests_client_id(broker, probes):
    ingest = probes(
        broker.port, *_app(broker), client_id="ioc-ingest", clean_session=False
    )
    assert ingest.accepted and ingest.subscribe("ioc/sensors/+/data")
    for clean in (False, True):
        thief = probes(
            broker.port,
            "aq-1",
            SENSOR_PASSWORD,
            client_id="ioc-ingest",
            clean_session=clean,
        )
        assert not thief.accepted
        thief.close()
    # Nor with a wrong password: amqtt alone would end the ingest's session before it
    # checks the password.
    guess = probes(broker.port, "ioc", "guess", client_id="ioc-ingest")
    assert not guess.accepted
    guess.close()
    assert not probes(broker.port, "aq-1", SENSOR_PASSWORD, "ioc-simulator").accepted
    sensor = probes(broker.port, "aq-1", SENSOR_PASSWORD, client_id="aq-1")
    assert sensor.accepted
    sensor.publish("ioc/sensors/aq-1/data", b'{"pm25": 1}')
    wait_for(lambda: ingest.got(b'{"pm25": 1}'), message="the reading at the ingest")
    assert ingest.disconnects == []


def test_a_sensor_account_may_not_subscribe(broker, probes):
    app = probes(broker.port, *_app(broker))
    sensor = probes(broker.port, "aq-1", SENSOR_PASSWORD)
    assert sensor.accepted
    assert not sensor.subscribe("#")
    assert not sensor.subscribe("ioc/sensors/+/data")
    assert not sensor.subscribe("ioc/sensors/aq-1/data")
    assert app.subscribe("#")
    app.publish("ioc/sensors/aq-2/data", b'{"pm25": 2}')
    wait_for(lambda: app.got(b'{"pm25": 2}'), message="the app's own message")
    assert sensor.messages == []


def test_a_sensor_account_publishes_only_its_own_readings(broker, probes):
    app = probes(broker.port, *_app(broker))
    assert app.subscribe("#")
    sensor = probes(broker.port, "aq-1", SENSOR_PASSWORD)
    sensor.publish("ioc/sensors/aq-2/data", b"forged")
    sensor.publish("ioc/sensors/aq-1/data/extra", b"forged")
    sensor.publish("ioc/commands", b"forged")
    sensor.publish("ioc/sensors/aq-1/data", b"own")
    wait_for(lambda: app.got(b"own"), message="the sensor's own reading")
    assert app.got(b"forged") == []


def test_a_sensor_account_cannot_leave_a_will_on_another_topic(broker, probes):
    forger = probes(
        broker.port, "aq-1", SENSOR_PASSWORD, will_topic="ioc/sensors/aq-2/data"
    )
    assert not forger.accepted
    own = probes(
        broker.port, "aq-1", SENSOR_PASSWORD, will_topic="ioc/sensors/aq-1/data"
    )
    assert own.accepted


def test_the_apps_account_publishes_and_subscribes_anywhere(broker, probes):
    app = probes(broker.port, *_app(broker), client_id="ioc-ingest")
    assert app.accepted
    assert app.subscribe("#")
    app.publish("ioc/commands", b"one")
    app.publish("ioc/sensors/aq-2/data", b"two")
    wait_for(lambda: app.got(b"one") and app.got(b"two"), message="both messages")


def test_demo_mode_lets_anonymous_clients_in_as_sensors_only(probes):
    b = EmbeddedBroker("127.0.0.1", free_port(), allow_anonymous=True).start()
    try:
        app = probes(b.port, *_app(b))
        assert app.accepted and app.subscribe("#")
        anonymous = probes(b.port)
        assert anonymous.accepted
        assert not anonymous.subscribe("#")
        assert not probes(b.port, client_id="ioc-ingest").accepted
        assert not probes(b.port, "ioc", "guess").accepted
        anonymous.publish("ioc/commands", b"forged")
        anonymous.publish("ioc/sensors/aq-9/data", b"reading")
        wait_for(lambda: app.got(b"reading"), message="the anonymous reading")
        assert app.got(b"forged") == []
    finally:
        b.stop()
