"""The ingest routes topics to (parse, write) pairs on one machinery: a second,
test-only route is written by its own write function, in the same transaction as the
sensor readings of its batch, and acknowledged only once that transaction committed."""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid

import paho.mqtt.client as mqtt
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from datasources import mqtt_ingest
from datasources.mqtt_ingest import (
    IngestSettings,
    MqttIngest,
    Route,
    SensorReadings,
    Written,
    known_sensor_ids,
)
from datasources.spill import Parsed, SpillFile
from mqtt_url import parse_broker_url
from store import writes
from store.schema import DeadLetter, Reading
from store.writes import Row
from tests.conftest import MOSQUITTO_URL
from tests.helpers import sensor_row, wait_for

EVENTS = "ioc/test-cameras/+/events"
N = 20
T0 = 1_795_590_000  # epoch seconds


def _parse_event(topic: str, payload: bytes, received_ms: int):  # noqa: ANN202
    try:
        doc = json.loads(payload)
    except ValueError:
        return [], ["bad_json: not an event"]
    return [{"camera": topic.split("/")[2], "n": int(doc["n"])}], []


class EventTable:
    """The test route's store: a table of its own, written with the batch's
    connection; records which connection wrote which message."""

    def __init__(self, engine) -> None:  # noqa: ANN001
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE test_events (n INTEGER PRIMARY KEY)"))
        self.conns: list[tuple[object, list[int]]] = []
        self.fail_next = threading.Event()

    def write(self, conn, messages: list[Parsed]) -> Written:  # noqa: ANN001
        ns = [r["n"] for m in messages for r in m.rows]
        self.conns.append((conn, ns))
        if ns:
            conn.execute(
                text("INSERT INTO test_events (n) VALUES (:n)"), [{"n": n} for n in ns]
            )
        if self.fail_next.is_set():
            self.fail_next.clear()
            # After both routes wrote: the whole batch must roll back.
            raise OperationalError("INSERT", {}, sqlite3.OperationalError("test"))
        return Written(inserted=len(ns))


def _stored(engine) -> tuple[set[int], int]:  # noqa: ANN001
    with engine.connect() as conn:
        events = set(conn.execute(text("SELECT n FROM test_events")).scalars())
        readings = conn.execute(select(func.count()).select_from(Reading)).scalar_one()
    return events, readings


@pytest.fixture
def publisher(broker_url):
    addr = parse_broker_url(broker_url)
    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2, client_id=f"pub-{uuid.uuid4().hex[:8]}"
    )
    if addr.username:
        client.username_pw_set(addr.username, addr.password)
    client.connect(addr.host, addr.port)
    client.loop_start()
    yield client
    client.disconnect()
    client.loop_stop()


def test_a_second_route_is_written_in_the_batch_transaction_and_acked_after_commit(
    sqlite_engine, broker_url, publisher, tmp_path
):
    engine = sqlite_engine
    writes.sync_sensors(engine, [sensor_row("aq-route-01")])
    table = EventTable(engine)
    readings = SensorReadings(lambda: known_sensor_ids(engine))
    readings_conns: list[object] = []

    def write_readings(conn, messages):  # noqa: ANN001, ANN202
        readings_conns.append(conn)
        return readings.write(conn, messages)

    routes = [
        Route(
            "readings",
            "ioc/sensors/+/data",
            readings.parse,
            write_readings,
            dump=readings.route().dump,
            load=readings.route().load,
        ),
        Route("test-events", EVENTS, _parse_event, table.write),
    ]
    settings = IngestSettings(
        url=broker_url,
        client_id=f"ioc-test-{uuid.uuid4().hex[:8]}",
        protocol="5" if broker_url == MOSQUITTO_URL else "3.1.1",
        batch=500,
        flush_ms=300,  # both routes' messages of a burst land in one batch
        spill_path=tmp_path / "spill.jsonl",
    )
    ingest = MqttIngest(engine, settings, routes=routes)
    acked: list[tuple[int, bool]] = []  # (n of an event, committed when acked)
    real_ack = ingest._ack

    def ack(items):  # noqa: ANN001, ANN202
        events, _ = _stored(engine)  # a connection of its own: what is committed
        for it in items:
            if it.msg.route == "test-events" and it.msg.rows:
                n = it.msg.rows[0]["n"]
                acked.append((n, n in events))
        real_ack(items)

    ingest._ack = ack
    table.fail_next.set()  # the first batch fails after both routes wrote
    ingest.start()
    try:
        wait_for(ingest.subscribed.is_set, message="subscribed to both routes")
        infos = []
        for i in range(N):
            reading = {"ts": T0 + i, "pm25": float(i)}
            infos.append(
                publisher.publish(
                    "ioc/sensors/aq-route-01/data", json.dumps(reading), qos=1
                )
            )
            infos.append(
                publisher.publish(
                    f"ioc/test-cameras/cam-{i % 3}/events", json.dumps({"n": i}), qos=1
                )
            )
        publisher.publish("ioc/test-cameras/cam-9/events", b"{not json", qos=1)
        for info in infos:
            info.wait_for_publish(10)
        wait_for(
            lambda: _stored(engine) == (set(range(N)), N),
            timeout=20,
            message="every event and reading stored",
        )
        wait_for(lambda: len(acked) == N, message="every event acknowledged")
    finally:
        ingest.stop()
    assert sorted(n for n, _ in acked) == list(range(N))
    assert all(committed for _, committed in acked)  # never before its commit
    # Written by its own function, with the connection of the readings' transaction.
    shared = [ns for conn, ns in table.conns if any(conn is c for c in readings_conns)]
    assert any(shared)
    # The failed batch rolled back both routes: nothing stored twice.
    assert ingest.stats.duplicates == 0 and ingest.stats.store_errors >= 1
    with engine.connect() as conn:
        reasons = conn.execute(select(DeadLetter.reason)).scalars().all()
    assert reasons == ["bad_json: not an event"]


def test_a_spilled_message_keeps_its_route(tmp_path):
    readings = SensorReadings(set).route()
    events = Route("test-events", EVENTS, _parse_event, lambda c, m: Written())
    spill = SpillFile(tmp_path / "s.jsonl", {r.name: r for r in (readings, events)})
    row = Row("aq-1", "pm25", T0 * 1000, 1.5)
    spill.append(
        [
            Parsed("ioc/sensors/aq-1/data", "{}", 1, [row], []),
            Parsed(EVENTS, "{}", 2, [{"camera": "c", "n": 7}], [], "test-events"),
        ]
    )
    # A line of a spill file written before routes: sensor readings.
    with spill.path.open("a", encoding="utf-8") as f:
        f.write(
            json.dumps(
                [["ioc/sensors/aq-1/data", "{}", 3, [["aq-1", "pm25", 5, 2.0]], []]]
            )
            + "\n"
        )
    first, old = list(SpillFile(spill.path, spill.codecs).chunks())
    assert [(m.route, m.rows) for m in first] == [
        ("readings", [row]),
        ("test-events", [{"camera": "c", "n": 7}]),
    ]
    assert [(m.route, m.rows) for m in old] == [
        ("readings", [Row("aq-1", "pm25", 5, 2.0)])
    ]


def test_a_message_of_a_route_the_ingest_no_longer_has_is_a_dead_letter(
    sqlite_engine,
):
    readings = SensorReadings(set).route()
    lost = Parsed("ioc/gone/x", "{}", T0 * 1000, [{"a": 1}], [], "gone")
    totals = mqtt_ingest.write_messages(
        sqlite_engine, {"readings": readings}, [lost], 60
    )
    assert totals.dead == 1
    with sqlite_engine.connect() as conn:
        reason = conn.execute(select(DeadLetter.reason)).scalar_one()
    assert reason.startswith("no_route: 'gone'")
