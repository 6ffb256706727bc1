"""The README's Mosquitto configuration and ACL, run in a real Mosquitto (without TLS):
a sensor publishes only its own readings and receives nothing, the ingest only reads,
nobody gets in without an account, and no account can take the ingest's session."""

from __future__ import annotations

import pytest

from tests.helpers import wait_for
from tests.mosquitto_readme import ReadmeMosquitto
from tests.mqtt_probe import Probe

INGEST_PASSWORD = "ingest-secret"
SENSOR_PASSWORD = "sensor-secret"


@pytest.fixture
def mosquitto(tmp_path):
    broker = ReadmeMosquitto(
        tmp_path,
        {
            "ioc-ingest": INGEST_PASSWORD,
            "aq-1": SENSOR_PASSWORD,
            "aq-2": SENSOR_PASSWORD,
        },
    ).start()
    try:
        yield broker.port
    finally:
        broker.stop()


def _ingest(port: int, probes) -> Probe:
    ingest = probes(
        port,
        "ioc-ingest",
        INGEST_PASSWORD,
        client_id="ioc-ingest",
        clean_session=False,
    )
    assert ingest.accepted and ingest.subscribe("ioc/sensors/+/data")
    return ingest


def test_nobody_gets_in_without_an_account(mosquitto, probes):
    assert not probes(mosquitto).accepted
    assert not probes(mosquitto, "aq-1", "guess").accepted


def test_a_sensor_sending_the_ingests_client_id_does_not_take_its_session(
    mosquitto, probes
):
    ingest = _ingest(mosquitto, probes)
    thief = probes(
        mosquitto,
        "aq-1",
        SENSOR_PASSWORD,
        client_id="ioc-ingest",
        clean_session=False,
    )
    assert thief.accepted  # renamed to aq-1 (use_username_as_clientid)
    thief.publish("ioc/sensors/aq-1/data", b"own")
    wait_for(lambda: ingest.got(b"own"), message="the reading at the ingest")
    assert ingest.disconnects == []
    assert thief.messages == []


def test_a_sensor_publishes_only_its_own_readings_and_receives_nothing(
    mosquitto, probes
):
    ingest = _ingest(mosquitto, probes)
    spy = probes(mosquitto, "aq-2", SENSOR_PASSWORD)
    spy.subscribe("#")  # acknowledged by Mosquitto, but nothing is delivered
    spy.subscribe("ioc/sensors/+/data")
    sensor = probes(mosquitto, "aq-1", SENSOR_PASSWORD)
    sensor.publish("ioc/sensors/aq-2/data", b"forged")
    sensor.publish("ioc/commands", b"forged")
    sensor.publish("ioc/sensors/aq-1/data", b"own")
    wait_for(lambda: ingest.got(b"own"), message="the sensor's own reading")
    assert ingest.got(b"forged") == []
    assert spy.messages == []


def test_the_ingest_reads_every_sensor_and_publishes_nothing(mosquitto, probes):
    ingest = _ingest(mosquitto, probes)
    ingest.publish("ioc/sensors/aq-1/data", b"forged")
    for user in ("aq-1", "aq-2"):
        probes(mosquitto, user, SENSOR_PASSWORD).publish(
            f"ioc/sensors/{user}/data", user.encode()
        )
    wait_for(
        lambda: ingest.got(b"aq-1") and ingest.got(b"aq-2"),
        message="both sensors' readings",
    )
    assert ingest.got(b"forged") == []
