"""Readings published while the ingest is offline wait in its persistent session on
Mosquitto: with Mosquitto's default queue (max_queued_messages 1000) most of 5,000
are dropped silently; with the README's configuration (read from the README itself)
every one is stored once the ingest is back."""

from __future__ import annotations

import json
import uuid

import paho.mqtt.client as mqtt
import pytest
from sqlalchemy import func, select

from datasources.mqtt_ingest import IngestSettings, MqttIngest
from store import writes
from store.schema import Reading
from tests.helpers import sensor_row, wait_for
from tests.mosquitto_readme import ReadmeMosquitto

N = 5000
T0 = 1_795_590_000
SENSOR = "aq-queue-01"
INGEST_PASSWORD = "ingest-secret"
SENSOR_PASSWORD = "sensor-secret"
QUEUE_OPTIONS = ("max_queued_messages", "max_queued_bytes")


def _ingest(engine, port: int, tmp_path) -> MqttIngest:
    return MqttIngest(
        engine,
        IngestSettings(
            url=f"mqtt://ioc-ingest:{INGEST_PASSWORD}@127.0.0.1:{port}",
            client_id="ioc-ingest",
            protocol="5",
            spill_path=tmp_path / f"spill-{uuid.uuid4().hex[:6]}.jsonl",
        ),
    ).start()


def _publish(client: mqtt.Client, ts: int) -> mqtt.MQTTMessageInfo:
    return client.publish(
        f"ioc/sensors/{SENSOR}/data", json.dumps({"ts": ts, "pm25": ts % 400}), qos=1
    )


def _stored(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(func.count())
            .select_from(Reading)
            .where(Reading.ts < (T0 + N) * 1000)
        ).scalar_one()


def _marker_stored(engine) -> bool:
    with engine.connect() as conn:
        found = conn.execute(
            select(func.count())
            .select_from(Reading)
            .where(Reading.ts == (T0 + N) * 1000)
        ).scalar_one()
    return found == 1


def _lost_while_offline(engine, tmp_path, without: tuple[str, ...]) -> int:
    """Publish N QoS 1 readings while the ingest's session is offline, bring the
    ingest back, and count what it stored of them."""
    writes.sync_sensors(engine, [sensor_row(SENSOR)])
    broker = ReadmeMosquitto(
        tmp_path,
        {"ioc-ingest": INGEST_PASSWORD, SENSOR: SENSOR_PASSWORD},
        without=without,
    ).start()
    sensor = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=SENSOR)
    sensor.username_pw_set(SENSOR, SENSOR_PASSWORD)
    sensor.max_inflight_messages_set(100)
    ingest = None
    try:
        # The ingest's persistent session exists (it subscribed once), then it goes.
        first = _ingest(engine, broker.port, tmp_path)
        wait_for(first.subscribed.is_set, message="the ingest subscribed")
        first.stop()
        wait_for(lambda: not first.stats.connected, message="the ingest offline")

        sensor.connect("127.0.0.1", broker.port)
        sensor.loop_start()
        infos = [_publish(sensor, T0 + i) for i in range(N)]
        for info in infos:
            info.wait_for_publish(timeout=30)
        # Every one was accepted by the broker (PUBACK): a loss is the broker's.
        assert all(i.is_published() for i in infos)

        ingest = _ingest(engine, broker.port, tmp_path)
        wait_for(ingest.subscribed.is_set, message="the ingest back")
        # Published after the ingest is back, so delivered after whatever the
        # session kept: once it is stored, the session is drained.
        _publish(sensor, T0 + N).wait_for_publish(timeout=30)
        wait_for(lambda: _marker_stored(engine), timeout=60, message="the last reading")
        return N - _stored(engine)
    finally:
        sensor.disconnect()
        sensor.loop_stop()
        if ingest is not None:
            ingest.stop()
        broker.stop()


@pytest.mark.timeout(180)
def test_mosquittos_default_queue_drops_readings_sent_while_the_ingest_is_away(
    sqlite_engine, tmp_path
):
    lost = _lost_while_offline(sqlite_engine, tmp_path, without=QUEUE_OPTIONS)
    print(f"default queue: {lost} of {N} lost")
    assert lost >= N - 1000 - 100  # kept: the queue, at most a window in flight


@pytest.mark.timeout(180)
def test_the_readmes_mosquitto_keeps_every_reading_sent_while_the_ingest_is_away(
    sqlite_engine, tmp_path
):
    lost = _lost_while_offline(sqlite_engine, tmp_path, without=())
    print(f"README's configuration: {lost} of {N} lost")
    assert lost == 0
