"""The MQTT ingest end to end through real brokers (embedded amqtt and Mosquitto) into
real stores (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import uuid

import paho.mqtt.client as mqtt
import pytest
from sqlalchemy import func, select

from datasources.mqtt_ingest import IngestSettings, MqttIngest
from mqtt_url import parse_broker_url
from store import queries, writes
from store.schema import DeadLetter, DeadLetterMinute, Reading
from tests.conftest import MOSQUITTO_URL
from tests.helpers import sensor_row, wait_for
from tests.malformed import malformed_payloads

SENSORS = [
    sensor_row("aq-test-01", name="Trạm thử", metrics=["pm25", "pm10", "no2"]),
    sensor_row(
        "urn:dev:ow:10e2073a01080063",
        kind="weather",
        name="Thiết bị RFC 8428",
        unit="Cel",
        metrics=["temperature", "voltage", "current"],
    ),
]


def _count(engine, table, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(table).where(*where)
        ).scalar_one()


@pytest.fixture
def ingest(engine, broker_url, tmp_path):
    writes.sync_sensors(engine, SENSORS)
    settings = IngestSettings(
        url=broker_url,
        client_id=f"ioc-test-{uuid.uuid4().hex[:8]}",
        protocol="5" if broker_url == MOSQUITTO_URL else "3.1.1",
        batch=200,
        flush_ms=50,
        buffer=5000,
        spill_path=tmp_path / "spill.jsonl",
        dead_per_minute=5000,  # every dead letter kept, to read their reasons
    )
    ing = MqttIngest(engine, settings).start()
    wait_for(ing.subscribed.is_set, message="ingest subscription")
    yield ing
    ing.stop()


@pytest.fixture
def publisher(broker_url):
    addr = parse_broker_url(broker_url)
    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2, client_id=f"pub-{uuid.uuid4().hex[:8]}"
    )
    if addr.username:  # the embedded broker refuses anonymous clients
        client.username_pw_set(addr.username, addr.password)
    client.connect(addr.host, addr.port)
    client.loop_start()

    def publish(topic: str, payload: bytes | str, qos: int = 1) -> None:
        client.publish(topic, payload, qos=qos).wait_for_publish(10)

    yield publish
    client.disconnect()
    client.loop_stop()


def test_json_and_senml_readings_arrive_in_the_store(engine, ingest, publisher):
    publisher(
        "ioc/sensors/aq-test-01/data",
        json.dumps({"ts": "2026-11-25T07:00:00Z", "pm25": 41.5, "pm10": 77}),
    )
    publisher(
        "ioc/sensors/urn:dev:ow:10e2073a01080063/data",
        json.dumps(
            [
                {"bn": "urn:dev:ow:10e2073a01080063:", "bt": 1.320067464e09, "bu": "V"},
                {"n": "voltage", "v": 120.1},
                {"n": "current", "u": "A", "t": 10, "v": 1.2},
            ]
        ),
    )
    wait_for(lambda: _count(engine, Reading) == 4, message="4 readings stored")
    latest = queries.latest(engine, "aq-test-01").set_index("metric")
    assert latest.loc["pm25", "value"] == 41.5
    assert latest.loc["pm25", "ts"] == 1_795_590_000_000
    dev = queries.latest(engine, "urn:dev:ow:10e2073a01080063").set_index("metric")
    assert dev.loc["voltage", "ts"] == 1_320_067_464_000
    assert dev.loc["current", "ts"] == 1_320_067_474_000
    assert dev.loc["current", "value"] == 1.2
    assert _count(engine, DeadLetter) == 0


def test_a_thousand_malformed_payloads_become_dead_letters_and_the_ingest_goes_on(
    engine, ingest, publisher
):
    bad = malformed_payloads(1000, seed=3)
    for topic, payload, _code in bad:
        publisher(topic, payload)
    publisher("ioc/sensors/aq-test-01/data", json.dumps({"pm25": 12.0}))
    wait_for(
        lambda: _count(engine, DeadLetter) == len(bad),
        timeout=60,
        message="1000 dead letters",
    )
    wait_for(
        lambda: _count(engine, Reading) == 1, message="the good reading after them"
    )
    dead = queries.dead_letters(engine, limit=5000)
    seen_codes = {
        part.split(":", 1)[0].strip()
        for reason in dead["reason"]
        for part in reason.split(";")
    }
    assert {code for _t, _p, code in bad} <= seen_codes
    assert dead["reason"].str.len().min() > 0
    assert ingest.stats.received == len(bad) + 1


def test_a_repeated_message_is_stored_once(engine, ingest, publisher):
    msg = json.dumps({"ts": 1795590000, "pm25": 10.0, "no2": 30.0})
    for _ in range(3):
        publisher("ioc/sensors/aq-test-01/data", msg)
    wait_for(
        lambda: ingest.stats.duplicates + ingest.stats.stored >= 6,
        message="three messages processed",
    )
    assert _count(engine, Reading) == 2
    assert queries.series(
        engine, "aq-test-01", "pm25", 1_795_589_000_000, 1_795_591_000_000, step_s=3600
    )["count"].tolist() == [1]


def test_unknown_sensor_goes_to_dead_letters(engine, ingest, publisher):
    publisher("ioc/sensors/ghost-1/data", json.dumps({"pm25": 5}))
    wait_for(lambda: _count(engine, DeadLetter) == 1, message="dead letter")
    assert queries.dead_letters(engine)["reason"].iloc[0].startswith("unknown_sensor")
    assert _count(engine, Reading) == 0


def test_ingest_health_is_reported(engine, ingest, publisher):
    publisher("ioc/sensors/aq-test-01/data", json.dumps({"pm25": 5}))
    wait_for(lambda: _count(engine, Reading) == 1, message="reading")
    ingest._health()
    h = queries.source_health(engine).set_index("source").loc["mqtt-ingest"]
    assert h.status == "ok"
    assert h.detail["stored"] == 1


def test_readings_without_time_in_one_millisecond_are_all_kept(
    engine, ingest, publisher
):
    # Stamped on arrival, a burst can share a millisecond; none may count as a repeat.
    for value in range(30):
        publisher("ioc/sensors/aq-test-01/data", json.dumps({"pm25": value}))
    wait_for(lambda: _count(engine, Reading) == 30, message="30 readings stored")
    assert ingest.stats.duplicates == 0


def test_a_flood_of_large_messages_to_unknown_sensors_stays_small(
    engine, ingest, publisher
):
    """300 messages of 60 KB to unknown ids: all counted, 60 kept as short excerpts
    (the default cap per minute), the rest only counted; the store does not grow by
    their size."""
    ingest.s.dead_per_minute = 60  # the default
    blob = "x" * 60_000
    for i in range(300):
        publisher(
            f"ioc/sensors/nobody-{i}/data",
            json.dumps({"ts": "2026-11-25T07:00:00Z", "pm25": 1, "note": blob}),
        )
    wait_for(
        lambda: ingest.stats.dead + ingest.stats.dead_dropped >= 300,
        timeout=30,
        message="every message judged",
    )
    assert ingest.stats.dead + ingest.stats.dead_dropped == 300
    with engine.connect() as conn:
        stored = conn.execute(
            select(func.sum(func.length(DeadLetter.payload)))
        ).scalar()
        minutes = conn.execute(
            select(DeadLetterMinute.kept, DeadLetterMinute.dropped)
        ).all()
    # The flood may straddle a minute: each minute keeps its first 60.
    assert all(kept == min(60, kept + dropped) for kept, dropped in minutes)
    assert sum(k for k, _ in minutes) == ingest.stats.dead <= 60 * len(minutes)
    assert stored < ingest.stats.dead * 1_200
