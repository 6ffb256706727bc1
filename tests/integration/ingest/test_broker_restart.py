"""A broker restart in the middle of a stream: the ingest reconnects to its persistent
session and every QoS 1 message sent is stored exactly once."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
import uuid

import paho.mqtt.client as mqtt
import pytest
from sqlalchemy import func, select

from datasources.mqtt_ingest import IngestSettings, MqttIngest
from store import writes
from store.schema import Reading
from tests.conftest import _unavailable, free_port
from tests.helpers import sensor_row, wait_for

N = 2000
T0 = 1_795_590_000


class Mosquitto:
    """A Mosquitto of this test's own, with persistence, that it can stop and start."""

    def __init__(self, tmp_path) -> None:
        self.port = free_port()
        self.conf = tmp_path / "mosquitto.conf"
        self.conf.write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\n"
            f"persistence true\npersistence_location {tmp_path}/\n"
            "max_queued_messages 100000\n"
            # Started as root, Mosquitto drops to its own user, which cannot write in
            # pytest's private temp folder: the sessions would silently not be saved.
            "user root\n"
        )
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["mosquitto", "-c", str(self.conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import socket

        def listening() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return True
            except OSError:
                return False

        wait_for(listening, timeout=10, message="mosquitto listening")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()  # SIGTERM: Mosquitto saves its sessions to disk
            self.proc.wait(timeout=10)
            self.proc = None


def _count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Reading)).scalar_one()


@pytest.mark.timeout(180)
def test_broker_restart_mid_stream_loses_nothing_and_duplicates_nothing(
    sqlite_engine, tmp_path
):
    if not shutil.which("mosquitto"):
        _unavailable("the mosquitto binary", "not installed")
    broker = Mosquitto(tmp_path)
    broker.start()
    writes.sync_sensors(sqlite_engine, [sensor_row("aq-restart-01")])
    url = f"mqtt://127.0.0.1:{broker.port}"
    ingest = MqttIngest(
        sqlite_engine,
        IngestSettings(
            url=url,
            client_id=f"ioc-restart-{uuid.uuid4().hex[:8]}",
            protocol="5",
            batch=200,
            flush_ms=50,
            buffer=5000,
            spill_path=tmp_path / "spill.jsonl",
        ),
    ).start()
    pub = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2,
        client_id="restart-publisher",
        clean_session=False,
    )
    pub.reconnect_delay_set(min_delay=0.2, max_delay=1)
    pub.max_inflight_messages_set(100)
    pub.connect("127.0.0.1", broker.port)
    pub.loop_start()
    infos: list[mqtt.MQTTMessageInfo] = []
    try:
        wait_for(ingest.subscribed.is_set, message="subscribed")

        def publish_all() -> None:
            for i in range(N):
                infos.append(
                    pub.publish(
                        "ioc/sensors/aq-restart-01/data",
                        json.dumps({"ts": T0 + i, "pm25": i % 400}),
                        qos=1,
                    )
                )
                time.sleep(0.001)

        sender = threading.Thread(target=publish_all)
        sender.start()
        wait_for(
            lambda: _count(sqlite_engine) > N // 4, timeout=30, message="a quarter in"
        )
        broker.stop()
        time.sleep(0.5)
        broker.start()
        sender.join(timeout=60)
        # Publishes made while the broker was down are queued by paho (QoS 1) and sent
        # on reconnection; the count below is the proof that none was lost.
        try:
            wait_for(
                lambda: _count(sqlite_engine) == N, timeout=60, message=f"{N} readings"
            )
        except AssertionError:
            with sqlite_engine.connect() as conn:
                have = {
                    t // 1000 - T0 for t in conn.execute(select(Reading.ts)).scalars()
                }
            missing = sorted(set(range(N)) - have)
            raise AssertionError(
                f"{len(missing)} missing: {_ranges(missing)}; published "
                f"{sum(1 for i in infos if i.rc == 0)} while connected; "
                f"ingest {ingest.stats}"
            ) from None
        assert ingest.stats.stored == N
    finally:
        pub.disconnect()
        pub.loop_stop()
        ingest.stop()
        broker.stop()


def _ranges(values: list[int]) -> str:
    out, start, prev = [], None, None
    for v in values + [None]:
        if start is None:
            start = prev = v
        elif v is not None and v == prev + 1:
            prev = v
        else:
            out.append(f"{start}-{prev}")
            start = prev = v
    return ", ".join(out[:10])
