"""The README's Mosquitto configuration and ACL, run in a real Mosquitto (without TLS):
a sensor publishes only its own readings and receives nothing, the ingest only reads,
nobody gets in without an account, and no account can take the ingest's session."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess

import pytest

from tests.conftest import ROOT, _unavailable, free_port
from tests.helpers import wait_for
from tests.mqtt_probe import Probe

INGEST_PASSWORD = "ingest-secret"
SENSOR_PASSWORD = "sensor-secret"


def readme_block(first_line: str) -> str:
    """The README's fenced block that starts with ``first_line``."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```text\n(.*?)```", readme, flags=re.S)
    found = [b for b in blocks if b.startswith(first_line + "\n")]
    assert len(found) == 1, f"README has no single block starting {first_line!r}"
    return found[0]


@pytest.fixture
def mosquitto(tmp_path):
    for tool in ("mosquitto", "mosquitto_passwd"):
        if not shutil.which(tool):
            _unavailable(f"the {tool} binary", "not installed")
    passwd, acl = tmp_path / "ioc.passwd", tmp_path / "ioc.acl"
    for i, (user, password) in enumerate(
        [
            ("ioc-ingest", INGEST_PASSWORD),
            ("aq-1", SENSOR_PASSWORD),
            ("aq-2", SENSOR_PASSWORD),
        ]
    ):
        create = ["-c"] if i == 0 else []
        subprocess.run(
            ["mosquitto_passwd", *create, "-b", str(passwd), user, password],
            check=True,
        )
    acl.write_text(readme_block("# /etc/mosquitto/ioc.acl"), encoding="utf-8")
    port = free_port()
    conf = []
    for line in readme_block("# /etc/mosquitto/conf.d/ioc.conf").splitlines():
        if line.startswith(("certfile", "keyfile")):
            continue  # the test speaks plain MQTT
        if line.startswith("listener "):
            line = f"listener {port} 127.0.0.1"
        conf.append(
            line.replace("/etc/mosquitto/ioc.passwd", str(passwd)).replace(
                "/etc/mosquitto/ioc.acl", str(acl)
            )
        )
    if os.geteuid() == 0:
        # Started as root, Mosquitto drops to its own user, which cannot read pytest's
        # private temp folder.
        conf.append("user root")
    conf_file = tmp_path / "mosquitto.conf"
    conf_file.write_text("\n".join(conf) + "\n", encoding="utf-8")
    proc = subprocess.Popen(
        ["mosquitto", "-c", str(conf_file)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )

    def listening() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"mosquitto exited: {proc.stderr.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return False

    try:
        wait_for(listening, timeout=10, message="mosquitto listening")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


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
