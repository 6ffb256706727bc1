"""Nothing lost when the store goes away: the ingest buffers, spills to disk, retries
and stores every message exactly once when PostgreSQL is reachable again."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid

import paho.mqtt.client as mqtt
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import StaticPool

from datasources import mqtt_ingest
from datasources.mqtt_ingest import IngestSettings, MqttIngest, bounded_lock_wait
from datasources.spill import Parsed
from mqtt_url import parse_broker_url
from store import queries, writes
from store.db import make_engine
from store.schema import Reading
from store.writes import Row
from tests.helpers import sensor_row, wait_for
from tests.tcp_proxy import TcpProxy

N = 600
T0 = 1_795_590_000  # epoch seconds


def _count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Reading)).scalar_one()


def test_store_outage_loses_nothing_and_stores_each_message_once(
    pg_engine, mosquitto, tmp_path
):
    writes.sync_sensors(pg_engine, [sensor_row("aq-fault-01")])
    url = make_url(pg_engine.url.render_as_string(hide_password=False))
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    engine = make_engine(
        url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    )
    spill = tmp_path / "spill.jsonl"
    ingest = MqttIngest(
        engine,
        IngestSettings(
            url=mosquitto,
            client_id=f"ioc-fault-{uuid.uuid4().hex[:8]}",
            protocol="5",
            batch=50,
            flush_ms=50,
            buffer=100,
            spill_path=spill,
        ),
    ).start()
    addr = parse_broker_url(mosquitto)
    pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    pub.connect(addr.host, addr.port)
    pub.loop_start()
    try:
        wait_for(ingest.subscribed.is_set, message="subscribed")
        half = N // 2
        for i in range(half):
            pub.publish(
                "ioc/sensors/aq-fault-01/data",
                json.dumps({"ts": T0 + i, "pm25": i % 500}),
                qos=1,
            ).wait_for_publish(5)
        wait_for(lambda: _count(pg_engine) == half, timeout=30, message="first half")
        proxy.down()
        down_at = time.monotonic()
        for i in range(half, N):
            pub.publish(
                "ioc/sensors/aq-fault-01/data",
                json.dumps({"ts": T0 + i, "pm25": i % 500}),
                qos=1,
            ).wait_for_publish(5)
        # The store is down: the ingest says so, and keeps the messages (memory, disk).
        wait_for(
            lambda: ingest.stats.store_errors > 0, timeout=30, message="store errors"
        )
        wait_for(lambda: ingest.stats.spilled_chunks > 0, timeout=30, message="a spill")
        # The 30 s of an unreachable database, held for real: the ingest keeps
        # retrying (more store errors) and stays subscribed.
        errors = ingest.stats.store_errors
        time.sleep(max(0.0, LOCK_S - (time.monotonic() - down_at)))
        assert ingest.stats.store_errors > errors and ingest.subscribed.is_set()
        assert _count(pg_engine) == half
        proxy.up()
        wait_for(lambda: _count(pg_engine) == N, timeout=60, message="every message")
        wait_for(lambda: not spill.exists(), timeout=30, message="spill replayed")
        assert _count(pg_engine) == N
        df = queries.series(
            pg_engine, "aq-fault-01", "pm25", T0 * 1000, (T0 + N) * 1000, step_s=3600
        )
        assert int(df["count"].sum()) == N  # rollups counted each reading once
    finally:
        pub.disconnect()
        pub.loop_stop()
        ingest.stop()
        proxy.down()
        engine.dispose()


# --- SQLite locked by another writer --------------------------------------------------

LOCK_S = 30.0  # the 30 s, held for real
BEFORE, DURING = 100, 500  # DURING > buffer, < Mosquitto's default queue of 1000
BUFFER, BATCH = 100, 50


def _spilled_messages(path) -> int:
    """Messages in the complete lines of a spill file the ingest may be appending to."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return 0
    return sum(len(json.loads(line)) for line in data.split(b"\n")[:-1] if line)


def _totals(engine) -> dict[str, tuple[int, float]]:
    """Count and sum of the readings and of each rollup table."""
    out = {}
    with engine.connect() as conn:
        for table, count in (
            ("readings", "count(*)"),
            ("rollup_1m", "sum(count)"),
            ("rollup_1h", "sum(count)"),
        ):
            total = "sum(value)" if table == "readings" else "sum(sum)"
            n, s = conn.execute(text(f"SELECT {count}, {total} FROM {table}")).one()
            out[table] = (int(n or 0), round(float(s or 0), 6))
    return out


def _publish(pub, i: int) -> None:
    doc = {"ts": T0 + i, "pm25": i % 500}
    if i % 50 == 7:
        doc["smell"] = 1  # one dead letter per such message, its pm25 kept
    pub.publish("ioc/sensors/aq-lock-01/data", json.dumps(doc), qos=1).wait_for_publish(
        5
    )


def test_sqlite_locked_for_30_s_spills_past_the_bound_and_stores_each_message_once(
    sqlite_engine, mosquitto, tmp_path
):
    writes.sync_sensors(sqlite_engine, [sensor_row("aq-lock-01")])
    spill = tmp_path / "spill.jsonl"
    ingest = MqttIngest(
        sqlite_engine,
        IngestSettings(
            url=mosquitto,
            client_id=f"ioc-lock-{uuid.uuid4().hex[:8]}",
            protocol="5",
            batch=BATCH,
            flush_ms=50,
            buffer=BUFFER,
            spill_path=spill,
            dead_per_minute=100_000,  # every dead letter kept, to count them
        ),
    ).start()
    # The most messages the ingest held in memory while the store was locked:
    # received, but neither stored (nothing is, under the lock) nor on disk.
    held = {"max": 0}
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.is_set():
            in_memory = ingest.stats.received - BEFORE - _spilled_messages(spill)
            held["max"] = max(held["max"], in_memory)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    addr = parse_broker_url(mosquitto)
    pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    pub.connect(addr.host, addr.port)
    pub.loop_start()
    db = sqlite_engine.url.database
    locker = sqlite3.connect(db, timeout=30, isolation_level=None)
    try:
        wait_for(ingest.subscribed.is_set, message="subscribed")
        for i in range(BEFORE):
            _publish(pub, i)
        wait_for(lambda: _count(sqlite_engine) == BEFORE, timeout=30, message="before")
        errors_before = ingest.stats.store_errors

        locker.execute("BEGIN EXCLUSIVE")
        locked_at = time.monotonic()
        sampler.start()
        for i in range(BEFORE, BEFORE + DURING):
            _publish(pub, i)
        # The ingest notices the lock, keeps at most its buffer in memory and moves
        # the rest to disk, acknowledging the broker only once it is there.
        wait_for(
            lambda: ingest.stats.store_errors > errors_before,
            timeout=LOCK_S,
            message="store errors while locked",
        )
        wait_for(
            lambda: _spilled_messages(spill) >= DURING - BUFFER,
            timeout=LOCK_S - (time.monotonic() - locked_at),
            message="all but the buffer spilled to disk while locked",
        )
        assert _count(sqlite_engine) == BEFORE  # readers still read under the lock
        assert ingest._writer.is_alive() and ingest.stats.connected
        time.sleep(max(0.0, LOCK_S - (time.monotonic() - locked_at)))  # the hold
        assert ingest._writer.is_alive()
        sampling.set()
        locker.execute("ROLLBACK")

        total = BEFORE + DURING
        wait_for(lambda: _count(sqlite_engine) == total, timeout=60, message="all")
        wait_for(lambda: not spill.exists(), timeout=30, message="spill replayed")
        wait_for(lambda: ingest._queue.empty(), timeout=10, message="queue drained")
        # The batch being retried and the queue on their way to disk, the queue
        # refilling meanwhile, and the one message paho's thread waits to queue
        # (back-pressure: the broker keeps the rest). A sample can catch a spill
        # between taking messages off the queue and the line on disk, so the bound
        # is the pending batch plus twice the buffer (MqttIngest._spill_out).
        assert 0 < held["max"] <= BATCH + 2 * BUFFER + 1
        totals = _totals(sqlite_engine)
        assert totals["readings"][0] == total
        # Rollups counted every reading exactly once.
        assert totals["rollup_1m"] == totals["readings"] == totals["rollup_1h"]
        with sqlite_engine.connect() as conn:
            dead = conn.execute(text("SELECT count(*) FROM dead_letters")).scalar_one()
        assert dead == sum(1 for i in range(total) if i % 50 == 7)
        assert ingest.stats.stored == total
    finally:
        sampling.set()
        locker.close()
        pub.disconnect()
        pub.loop_stop()
        ingest.stop()


def test_the_ingest_waits_briefly_for_a_sqlite_lock_and_gives_the_pool_back_as_was(
    tmp_path,
):
    engine = make_engine(f"sqlite:///{tmp_path / 'one.db'}", poolclass=StaticPool)
    bounded = bounded_lock_wait(engine, 0.2)
    with bounded.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    locker = sqlite3.connect(tmp_path / "one.db", isolation_level=None)
    try:
        locker.execute("BEGIN EXCLUSIVE")
        t0 = time.monotonic()
        with pytest.raises(OperationalError, match="locked"):
            with bounded.begin() as conn:
                conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        assert time.monotonic() - t0 < 5  # not the store's 30 s
        locker.execute("ROLLBACK")
        with bounded.begin() as conn:
            conn.exec_driver_sql("INSERT INTO t VALUES (2)")
        # The one pooled connection is back to the store's own busy timeout.
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
            assert conn.exec_driver_sql("SELECT x FROM t").scalars().all() == [2]
    finally:
        locker.close()
        engine.dispose()


def test_a_spill_replay_that_fails_half_way_writes_no_dead_letter_twice(
    sqlite_engine, tmp_path, monkeypatch
):
    """Each spilled chunk is committed on its own: when the store fails after the
    first, the next replay starts at the second (dead letters have no unique key)."""
    writes.sync_sensors(sqlite_engine, [sensor_row("aq-spill-01")])
    ingest = MqttIngest(
        sqlite_engine,
        IngestSettings(url="mqtt://127.0.0.1:1", spill_path=tmp_path / "s.jsonl"),
    )
    topic = "ioc/sensors/aq-spill-01/data"
    for i in range(2):
        row = Row("aq-spill-01", "pm25", (T0 + i) * 1000, 1.0)
        ingest._spill.append(
            [Parsed(topic, "{}", (T0 + i) * 1000, [row], ["unknown_metric: 'smell'"])]
        )
    calls = []

    real_write = mqtt_ingest.write_messages

    def flaky_write_messages(engine, routes, messages, *args):  # noqa: ANN001
        calls.append(len(messages))
        if len(calls) == 2:
            raise OperationalError("INSERT", {}, sqlite3.OperationalError("locked"))
        return real_write(engine, routes, messages, *args)

    monkeypatch.setattr(mqtt_ingest, "write_messages", flaky_write_messages)
    with pytest.raises(OperationalError):
        ingest._replay_spill()
    ingest._replay_spill()
    with sqlite_engine.connect() as conn:
        dead = conn.execute(text("SELECT count(*) FROM dead_letters")).scalar_one()
    assert (_count(sqlite_engine), dead) == (2, 2)
    assert not (tmp_path / "s.jsonl").exists()
    assert len(calls) == 3
