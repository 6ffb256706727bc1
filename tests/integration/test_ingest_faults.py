"""Nothing lost when the store goes away: the ingest buffers, spills to disk, retries
and
stores every message exactly once when PostgreSQL is reachable again."""

from __future__ import annotations

import json
import uuid

import paho.mqtt.client as mqtt
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from datasources.mqtt_ingest import IngestSettings, MqttIngest
from mqtt_url import parse_broker_url
from store import queries, writes
from store.db import make_engine
from store.schema import Reading
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
