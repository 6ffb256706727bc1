"""Ingest benchmark: messages stored per second through a real Mosquitto, against the
broker's own delivery rate to `mosquitto_sub` in the same run.

Method (both sides measured the same way): a backlog of N QoS 1 messages is queued in
Mosquitto for a persistent session that is offline, then the consumer connects and the
clock runs until it has taken all N. So the figure is what the consumer can drain, not
how fast one Python publisher can publish. The consumer is either `mosquitto_sub -C N`
writing to /dev/null (the baseline) or the IOC ingest writing into SQLite or
PostgreSQL (lost = N - stored; at QoS 1 it must be 0). JSON objects and SenML packs
alternate. The bench starts its own Mosquitto (unlimited queue, no persistence) on a
free port, so the machine's broker is not disturbed.

    .venv/bin/python -m bench.ingest [--messages 200000] [--stores sqlite,postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import paho.mqtt.client as mqtt

from datasources.mqtt_ingest import IngestSettings, MqttIngest
from store import migrate, writes
from store.db import make_engine

SENSORS = 500
T0_MS = 1_795_000_000_000
CONF = """listener {port} 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 0
max_queued_bytes 0
max_inflight_messages 0
"""


@dataclass
class Result:
    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    note: str = ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    def __init__(self, workdir: Path) -> None:
        self.port = _free_port()
        conf = workdir / "mosquitto.conf"
        conf.write_text(CONF.format(port=self.port))
        exe = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        self.proc = subprocess.Popen(
            [exe, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the bench's Mosquitto did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def payloads(n: int, prefix: str) -> list[tuple[str, bytes]]:
    """N messages over SENSORS sensors, one reading each, JSON and SenML alternating;
    every (sensor, ts) distinct so none is a duplicate."""
    out = []
    for i in range(n):
        sensor = f"{prefix}-{i % SENSORS:03d}"
        ts_s = (T0_MS + (i // SENSORS) * 1000) / 1000
        value = 20 + (i * 7919) % 600 / 10
        if i % 2:
            body = json.dumps({"ts": ts_s, "pm25": value})
        else:
            body = json.dumps(
                [{"bn": f"{sensor}:", "bt": ts_s, "n": "pm25", "v": value}]
            )
        out.append((f"ioc/sensors/{sensor}/data", body.encode()))
    return out


def _client(port: int, client_id: str, v5: bool = True) -> mqtt.Client:
    kwargs: dict = {"client_id": client_id}
    if v5:
        kwargs["protocol"] = mqtt.MQTTv5
    else:
        kwargs["clean_session"] = False
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, **kwargs)
    c.max_inflight_messages_set(1000)
    c.max_queued_messages_set(0)
    c.connect("127.0.0.1", port)
    return c


def publish_all(port: int, messages: list[tuple[str, bytes]]) -> float:
    """Publish at QoS 1 and wait for every PUBACK; returns messages per second."""
    c = _client(port, f"bench-pub-{uuid.uuid4().hex[:6]}")
    c.loop_start()
    t0 = time.perf_counter()
    infos = [c.publish(topic, body, qos=1) for topic, body in messages]
    for info in infos:
        info.wait_for_publish(60)
    rate = len(messages) / (time.perf_counter() - t0)
    c.disconnect()
    c.loop_stop()
    return rate


def baseline_rate(port: int, messages: list[tuple[str, bytes]]) -> float:
    """mosquitto_sub draining the same backlog (persistent session, QoS 1)."""
    sub_id = f"bench-sub-{uuid.uuid4().hex[:6]}"
    exe = shutil.which("mosquitto_sub") or "mosquitto_sub"
    args = [exe, "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-c", "-i", sub_id]
    args += ["-t", "ioc/sensors/+/data"]
    # Register the session and its subscription, then go away.
    subprocess.run([*args, "-W", "1"], stdout=subprocess.DEVNULL, check=False)
    publish_all(port, messages)
    t0 = time.perf_counter()
    subprocess.run(
        [*args, "-C", str(len(messages))], stdout=subprocess.DEVNULL, check=True
    )
    return len(messages) / (time.perf_counter() - t0)


def ingest_rate(
    port: int, engine_url: str, messages: list[tuple[str, bytes]], prefix: str
) -> tuple[float, int, int]:
    """The ingest draining the backlog into the store: (messages/s, stored, dead)."""
    engine = make_engine(engine_url)
    migrate.upgrade(engine)
    writes.sync_sensors(
        engine,
        [
            {
                "id": f"{prefix}-{k:03d}",
                "kind": "air",
                "name": f"Bench {k}",
                "area": "bench",
                "lat": 21.1,
                "lon": 106.1,
                "metrics": ["pm25"],
                "period_s": 60.0,
            }
            for k in range(SENSORS)
        ],
    )
    tmp = Path(tempfile.mkdtemp(prefix="ioc-bench-"))
    settings = IngestSettings(
        url=f"mqtt://127.0.0.1:{port}",
        client_id=f"bench-ingest-{uuid.uuid4().hex[:6]}",
        protocol="5",
        batch=5000,
        flush_ms=100,
        buffer=100_000,
        spill_path=tmp / "spill.jsonl",
        health_every_s=30,
    )
    ing = MqttIngest(engine, settings).start()
    ing.subscribed.wait(10)
    ing.stop()  # the session and its subscription now wait offline
    publish_all(port, messages)
    ing = MqttIngest(engine, settings)
    t0 = time.perf_counter()
    ing.start()
    n = len(messages)
    deadline = time.monotonic() + max(120, n / 500)
    while ing.stats.stored + ing.stats.dead < n and time.monotonic() < deadline:
        time.sleep(0.01)
    elapsed = time.perf_counter() - t0
    stored, dead = ing.stats.stored, ing.stats.dead
    ing.stop()
    engine.dispose()
    shutil.rmtree(tmp, ignore_errors=True)
    return stored / elapsed, stored, dead


def _pg_url() -> str | None:
    url = os.environ.get("IOC_TEST_PG_URL")
    if not url:
        return None
    from sqlalchemy import create_engine, text

    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"ioc_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return str(make_engine(url).url.set(database=name).render_as_string(False))


def run(messages: int = 100_000, stores: tuple[str, ...] = ("sqlite", "postgres")):
    """Results of the ingest benchmark (see the module's docstring)."""
    workdir = Path(tempfile.mkdtemp(prefix="ioc-bench-broker-"))
    broker = Broker(workdir)
    results: list[Result] = []
    try:
        backlog = payloads(messages, "bench")
        pub = publish_all(broker.port, backlog[: min(messages, 20_000)])
        results.append(Result("ingest: one paho publisher, QoS 1", pub, "msg/s"))
        base = baseline_rate(broker.port, backlog)
        results.append(
            Result("ingest: mosquitto_sub drains the backlog", base, "msg/s")
        )
        for store in stores:
            url = f"sqlite:///{workdir}/bench.db" if store == "sqlite" else _pg_url()
            if url is None:
                results.append(Result(f"ingest into {store}", 0, "msg/s", note="no DB"))
                continue
            prefix = f"b{uuid.uuid4().hex[:4]}"
            rate, stored, dead = ingest_rate(
                broker.port, url, payloads(messages, prefix), prefix
            )
            lost = messages - stored - dead
            results.append(
                Result(
                    f"ingest into {store}: stored",
                    rate,
                    "msg/s",
                    baseline=base,
                    baseline_name="mosquitto_sub",
                    target=">= 20000 msg/s; ratio goal 0.5",
                    note=f"{stored}/{messages} stored, {dead} dead, {lost} lost",
                )
            )
    finally:
        broker.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--stores", default="sqlite,postgres")
    args = ap.parse_args()
    for r in run(args.messages, tuple(args.stores.split(","))):
        ratio = f"  ratio {r.value / r.baseline:.2f}" if r.baseline else ""
        print(f"{r.name:48s} {r.value:12,.0f} {r.unit}{ratio}  {r.note}")


if __name__ == "__main__":
    main()
