"""MQTT ingest: subscribe, parse, write in batches, acknowledge after commit.

Topics are routed: a ``Route`` is a topic filter with its parse function (run on
paho's thread, through ``message_callback_add``) and its write function (run in the
batch's transaction). Sensor readings on ``ioc/sensors/+/data`` are the first route;
every route shares the machinery below (the bounded queue, batches, the spill file,
dead letters, ack after commit), so another kind of message is one more ``Route``.

paho-mqtt 2.x with ``manual_ack=True`` on a persistent session: a QoS 1 message is
acknowledged only once the transaction holding its readings has committed (or it was
spilled to disk with fsync), so a crash before that means redelivery, never loss.
Redelivered messages are harmless: readings are insert-or-ignore on (sensor, metric,
ts).

Threads: paho's network loop parses each message and puts it on a bounded queue; one
writer thread takes batches off it, writes them in one transaction and sends the acks.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from sqlalchemy import Connection, Engine, event, select
from sqlalchemy.exc import SQLAlchemyError

from datasources.payloads import parse_message
from datasources.spill import READINGS, Parsed, SpillFile
from mqtt_url import parse_broker_url, redact
from store import alerting
from store.schema import Sensor
from store.writes import (
    Dead,
    Row,
    now_ms,
    payload_text,
    prune,
    record_health,
    store_dead,
    store_readings,
)

log = logging.getLogger(__name__)
SOURCE = "mqtt-ingest"


@dataclass
class IngestSettings:
    url: str
    client_id: str = "ioc-ingest"
    topic: str = "ioc/sensors/+/data"
    protocol: str = "3.1.1"
    shared_group: str = ""
    ca_file: str = ""
    batch: int = 500
    flush_ms: int = 200
    buffer: int = 100_000
    spill_path: Path = Path("data/ingest-spill.jsonl")
    health_every_s: float = 5.0
    sensors_refresh_s: float = 30.0
    # Judge alert rules for what was stored at most this often (0: leave it to the
    # scheduler's sweep).
    alerts_every_s: float = 0.5
    # SQLite only: how long one write waits for another writer's lock before the
    # batch counts as failed (the store's own busy timeout is 30 s).
    lock_wait_s: float = 2.0
    # Where the URL comes from, for the operator's log lines.
    origin: str = "IOC_MQTT_URL"
    # Dead letters: kept per minute (the rest counted), days kept, rows kept at most.
    dead_per_minute: int = 60
    dead_keep_days: float = 7.0
    dead_max_rows: int = 20_000
    prune_every_s: float = 60.0


@dataclass
class Written:
    """What a route's write stored of a batch's messages. ``rejected`` maps the
    position of a message (in the list the write was given) to why its records were
    not stored: the message becomes a dead letter with that reason. ``pairs`` are the
    (sensor, metric) pairs whose alert rules the ingest judges soon after."""

    inserted: int = 0
    duplicates: int = 0
    corrected: int = 0
    rejected: dict[int, str] = field(default_factory=dict)
    pairs: set[tuple[str, str]] = field(default_factory=set)


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Route:
    """Messages on ``topic`` (a filter): ``parse(topic, payload, received_ms)`` returns
    (records, rejection reasons) and must not raise; ``write(conn, messages)`` stores
    the records of a batch's messages of this route in the batch's transaction.
    ``dump``/``load`` turn a record into JSON-ready values and back for the spill
    file (records that are JSON already need neither)."""

    name: str
    topic: str
    parse: Callable[[str, bytes, int], tuple[list[Any], list[str]]]
    write: Callable[[Connection, list[Parsed]], Written]
    dump: Callable[[Any], Any] = _same
    load: Callable[[Any], Any] = _same


class SensorReadings:
    """The sensor readings route: JSON or SenML readings (datasources.payloads) into the
    readings table; a message from a sensor the store does not know is a dead letter."""

    def __init__(
        self, known_sensors: Callable[[], set[str]], refresh_s: float = 30.0
    ) -> None:
        self._loader = known_sensors
        self.refresh_s = refresh_s
        self._known: set[str] = set()
        self._known_at = 0.0

    @staticmethod
    def parse(topic: str, payload: bytes, received_ms: int) -> tuple[list, list]:
        result = parse_message(topic, payload, received_ms)
        rows = [Row(r.sensor_id, r.metric, r.ts_ms, r.value) for r in result.readings]
        return rows, list(result.rejections)

    def known(self, ids: set[str]) -> set[str]:
        """The registered sensors, re-read when an id is new to us or the list is old.
        Raises SQLAlchemyError when the store is down: the batch waits, nothing is
        wrongly dead-lettered as unknown."""
        stale = time.monotonic() - self._known_at > self.refresh_s
        if stale or not ids <= self._known:
            self._known = self._loader()
            self._known_at = time.monotonic()
        return self._known

    def write(self, conn: Connection, messages: list[Parsed]) -> Written:
        known = self.known({r.sensor_id for m in messages for r in m.rows})
        rows: list[Row] = []
        rejected: dict[int, str] = {}
        for i, m in enumerate(messages):
            if m.rows and m.rows[0].sensor_id not in known:
                rejected[i] = f"unknown_sensor: {m.rows[0].sensor_id[:128]!r}"
            else:
                rows.extend(m.rows)
        inserted, duplicates, corrected = store_readings(conn, rows)
        return Written(
            inserted,
            duplicates,
            corrected,
            rejected,
            {(r.sensor_id, r.metric) for r in rows},
        )

    def route(self, topic: str = "ioc/sensors/+/data") -> Route:
        return Route(
            READINGS,
            topic,
            self.parse,
            self.write,
            dump=lambda r: [r.sensor_id, r.metric, r.ts_ms, r.value],
            load=lambda v: Row(*v),
        )


@dataclass
class BatchTotals:
    inserted: int = 0
    duplicates: int = 0
    corrected: int = 0
    dead: int = 0
    dead_dropped: int = 0
    pairs: set[tuple[str, str]] = field(default_factory=set)


def write_messages(
    engine: Engine,
    routes: dict[str, Route],
    messages: list[Parsed],
    dead_per_minute: int,
) -> BatchTotals:
    """One transaction for ``messages``: each route writes its own, in route order,
    then the dead letters (every reason a message had, its route's rejection, or no
    route at all)."""
    totals = BatchTotals()
    by_route: dict[str, list[Parsed]] = {}
    for m in messages:
        by_route.setdefault(m.route, []).append(m)
    extra: dict[int, str] = {}  # id(message) -> the reason its route rejected it
    with engine.begin() as conn:
        for name, route in routes.items():
            group = by_route.get(name)
            if not group:
                continue
            w = route.write(conn, group)
            totals.inserted += w.inserted
            totals.duplicates += w.duplicates
            totals.corrected += w.corrected
            totals.pairs |= w.pairs
            for i, reason in w.rejected.items():
                extra[id(group[i])] = reason
        dead = []
        for m in messages:
            reasons = list(m.reasons)
            if m.route not in routes:
                reasons.append(f"no_route: {m.route!r} for {m.topic[:128]!r}")
            elif id(m) in extra:
                reasons.append(extra[id(m)])
            if reasons:
                dead.append(Dead(m.topic, m.payload, "; ".join(reasons), m.received_ms))
        totals.dead, totals.dead_dropped = store_dead(conn, dead, dead_per_minute)
    return totals


@dataclass
class _Item:
    gen: int  # connection generation the message arrived on
    mid: int
    qos: int
    msg: Parsed


@dataclass
class IngestStats:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    dead: int = 0
    dead_dropped: int = 0
    corrected: int = 0
    batches: int = 0
    spilled_chunks: int = 0
    alert_errors: int = 0
    store_errors: int = 0
    connected: bool = False
    connect_failures: int = 0
    last_batch_ms: float = 0.0
    last_error: str = ""


def known_sensor_ids(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(Sensor.id)).scalars())


class MqttIngest:
    def __init__(
        self,
        engine: Engine,
        settings: IngestSettings,
        known_sensors: Callable[[], set[str]] | None = None,
        routes: Sequence[Route] | None = None,
    ) -> None:
        """``routes``: by default the sensor readings of ``settings.topic`` (whose
        unknown sensors ``known_sensors`` tells, default: the store's list)."""
        self.engine = bounded_lock_wait(engine, settings.lock_wait_s)
        self.s = settings
        self.stats = IngestStats()
        self._queue: queue.Queue[_Item] = queue.Queue(maxsize=settings.buffer)
        self._stop = threading.Event()
        self._gen = 0
        self._gen_lock = threading.Lock()
        if routes is None:
            readings = SensorReadings(
                known_sensors or (lambda: known_sensor_ids(engine)),
                settings.sensors_refresh_s,
            )
            routes = [readings.route(settings.topic)]
        self.routes = {r.name: r for r in routes}
        if len(self.routes) != len(routes):
            raise ValueError(f"ingest routes with the same name: {list(routes)}")
        self._last_prune = time.monotonic()  # the first prune a minute after start
        self._spill = SpillFile(settings.spill_path, self.routes)
        self._writer: threading.Thread | None = None
        self._store_failing = False
        self._touched: set[tuple[str, str]] = set()
        self._arrivals: dict[str, int] = {}
        self._last_alerts = 0.0
        self.subscribed = threading.Event()
        self._unreachable_said = False
        self._refused = False
        self.client = self._make_client()

    # -- MQTT side ---------------------------------------------------------------------
    def _make_client(self) -> mqtt.Client:
        v5 = self.s.protocol == "5"
        kwargs = {
            "client_id": self.s.client_id,
            "manual_ack": True,
            "protocol": mqtt.MQTTv5 if v5 else mqtt.MQTTv311,
        }
        if not v5:
            kwargs["clean_session"] = False
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, **kwargs)
        addr = parse_broker_url(self.s.url)
        if addr.username:
            client.username_pw_set(addr.username, addr.password)
        if addr.tls:
            client.tls_set(ca_certs=self.s.ca_file or None)
        client.reconnect_delay_set(min_delay=1, max_delay=30)
        client.on_connect = self._on_connect
        client.on_connect_fail = self._on_connect_fail
        client.on_disconnect = self._on_disconnect
        client.on_subscribe = self._on_subscribe
        for route in self.routes.values():
            client.message_callback_add(route.topic, self._handler(route))
        # A message on no route's filter (a broker's oddity): a dead letter.
        client.on_message = self._handler(None)
        self._addr = addr
        return client

    def _topics(self) -> list[str]:
        if self.s.shared_group:
            group = self.s.shared_group
            return [f"$share/{group}/{r.topic}" for r in self.routes.values()]
        return [r.topic for r in self.routes.values()]

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:  # noqa: ANN001
        if reason_code.is_failure:
            self._refused = True  # reached, and said so: not "cannot connect"
            log.error("MQTT connect to %s refused: %s", redact(self.s.url), reason_code)
            return
        with self._gen_lock:
            self._gen += 1
        self.stats.connected = True
        self._unreachable_said = False
        log.info(
            "MQTT connected to %s:%s (session present: %s)",
            self._addr.host,
            self._addr.port,
            flags.session_present,
        )
        client.subscribe([(t, 1) for t in self._topics()])

    def _on_connect_fail(self, client, userdata) -> None:  # noqa: ANN001
        # paho calls this inside its ``except OSError``: that is the reason.
        self._no_connection(sys.exc_info()[1] or "no answer")

    def _no_connection(self, reason: object) -> None:
        """A connection attempt failed (paho retries with back-off): said once until
        a connection succeeds, then again at the next outage."""
        self.stats.connect_failures += 1
        if self._unreachable_said:
            log.debug("still no connection to the MQTT broker: %s", reason)
            return
        self._unreachable_said = True
        log.warning(
            "cannot connect to the MQTT broker %s (%s): %s; the ingest keeps "
            "retrying every 1 to 30 s",
            redact(self.s.url),
            self.s.origin,
            reason,
        )

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:  # noqa: ANN001
        if any(rc.is_failure for rc in reason_codes):
            log.error(
                "MQTT subscription to %s refused: %s", self._topics(), reason_codes
            )
            return
        self.subscribed.set()

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:  # noqa: ANN001
        was_connected, refused = self.stats.connected, self._refused
        self.stats.connected = False
        self._refused = False
        self.subscribed.clear()
        if self._stop.is_set() or refused:
            return
        if was_connected:
            log.warning("MQTT disconnected (%s); reconnecting", reason_code)
        else:  # the attempt ended before a CONNACK (something else answered)
            self._no_connection(reason_code)

    def _handler(self, route: Route | None) -> Callable[..., None]:
        def on_message(client, userdata, msg: mqtt.MQTTMessage) -> None:  # noqa: ANN001
            self._on_message(route, msg)

        return on_message

    def _on_message(self, route: Route | None, msg: mqtt.MQTTMessage) -> None:
        received = now_ms()
        # A payload without a time is stamped on arrival; two from one sensor in the
        # same millisecond are two readings, not a duplicate, so keep the stamps of a
        # topic strictly increasing.
        last = self._arrivals.get(msg.topic)
        if last is not None and received <= last:
            received = last + 1
        if len(self._arrivals) > 100_000:
            self._arrivals.clear()
        self._arrivals[msg.topic] = received
        self.stats.received += 1
        if route is None:
            records, reasons, name = [], [], ""
        else:
            name = route.name
            try:
                records, reasons = route.parse(msg.topic, msg.payload, received)
            except Exception as exc:  # noqa: BLE001 - the ingest never dies of a message
                log.exception("parser %s failed on a message from %s", name, msg.topic)
                records = []
                reasons = [f"parser_error: {type(exc).__name__}: {exc}"[:300]]
        parsed = Parsed(
            msg.topic, payload_text(msg.payload), received, records, reasons, name
        )
        # Blocks when the buffer is full: back-pressure on the broker, which keeps the
        # rest (unacknowledged) in the persistent session.
        self._queue.put(_Item(self._gen, msg.mid, msg.qos, parsed))

    # -- writer side -------------------------------------------------------------------
    def start(self) -> MqttIngest:
        self._writer = threading.Thread(
            target=self._write_loop, name="ingest-writer", daemon=True
        )
        self._writer.start()
        if self.s.protocol == "5":
            props = Properties(PacketTypes.CONNECT)
            props.SessionExpiryInterval = 7 * 24 * 3600
            # Receive Maximum bounds unacknowledged deliveries; it must cover a whole
            # batch
            # or ack-after-commit throttles the stream (Mosquitto's 3.1.1 default is
            # 20).
            props.ReceiveMaximum = min(65535, max(self.s.buffer, self.s.batch))
            self.client.connect_async(
                self._addr.host,
                self._addr.port,
                keepalive=30,
                clean_start=False,
                properties=props,
            )
        else:
            self.client.connect_async(self._addr.host, self._addr.port, keepalive=30)
        self.client.loop_start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._writer is not None:
            self._writer.join(timeout)
        self.client.disconnect()
        self.client.loop_stop()

    def _take_batch(self) -> list[_Item]:
        items: list[_Item] = []
        try:
            items.append(self._queue.get(timeout=0.2))
        except queue.Empty:
            return items
        deadline = time.monotonic() + self.s.flush_ms / 1000
        while len(items) < self.s.batch:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                items.append(self._queue.get(timeout=left))
            except queue.Empty:
                break
        return items

    def _write_loop(self) -> None:
        last_health = 0.0
        backoff = 0.5
        pending: list[_Item] = []
        while not (self._stop.is_set() and not pending and self._queue.empty()):
            if not pending:
                pending = self._take_batch()
            try:
                if self._spill.count:
                    self._replay_spill()
                if pending:
                    self._store(pending)
                    pending = []
                backoff = 0.5
                self._store_failing = False
            except SQLAlchemyError as exc:
                self._store_failing = True
                self.stats.store_errors += 1
                self.stats.last_error = f"{type(exc).__name__}: {exc}"[:500]
                log.warning(
                    "store unavailable (%s); %d messages waiting",
                    type(exc).__name__,
                    len(pending) + self._queue.qsize(),
                )
                waiting = len(pending) + self._queue.qsize()
                # Past half the buffer, disk: the broker would otherwise hold (and past
                # its own limit drop) what we cannot take.
                if waiting >= self.s.buffer // 2 or self._stop.is_set():
                    pending = self._spill_out(pending)
                else:
                    self._stop.wait(backoff)
                    backoff = min(backoff * 2, 10)
                self._health(force=True)
            self._judge_alerts()
            if time.monotonic() - last_health > self.s.health_every_s:
                self._health()
                last_health = time.monotonic()
        self._health(force=True)

    def _store(self, items: list[_Item]) -> None:
        t0 = time.perf_counter()
        self._write([it.msg for it in items])
        self.stats.last_batch_ms = (time.perf_counter() - t0) * 1000
        self.stats.batches += 1
        self._ack(items)

    def _write(self, messages: list[Parsed]) -> None:
        """One transaction for the records and dead letters of ``messages``."""
        result = write_messages(
            self.engine, self.routes, messages, self.s.dead_per_minute
        )
        if self.s.alerts_every_s > 0:
            self._touched |= result.pairs
        self.stats.stored += result.inserted
        self.stats.duplicates += result.duplicates
        self.stats.dead += result.dead
        self.stats.dead_dropped += result.dead_dropped
        self.stats.corrected += result.corrected
        if time.monotonic() - self._last_prune > self.s.prune_every_s:
            self._last_prune = time.monotonic()
            try:
                deleted = prune(
                    self.engine, self.s.dead_keep_days, self.s.dead_max_rows
                )
            except SQLAlchemyError as exc:  # the batch is stored; retry next time
                log.warning("retention of dead letters failed: %s", exc)
            else:
                if any(deleted.values()):
                    log.info("retention: deleted %s", deleted)

    def _judge_alerts(self) -> None:
        """Alert rules for the pairs stored since the last call, so that a spike raises
        its alert about a second after it arrives. A failure here is logged and left
        to the scheduler's sweep; it never stops the ingest."""
        if not self._touched or self._store_failing:
            return
        if time.monotonic() - self._last_alerts < self.s.alerts_every_s:
            return
        pairs, self._touched = self._touched, set()
        self._last_alerts = time.monotonic()
        try:
            alerting.evaluate(self.engine, pairs=pairs)
        except Exception:
            self.stats.alert_errors += 1
            log.exception("alert rules failed for %d pairs", len(pairs))

    def _spill_out(self, pending: list[_Item]) -> list[_Item]:
        """Move the pending batch and what waits in memory to disk, then acknowledge.
        It takes what the queue holds now, not what paho adds meanwhile, so the
        messages in memory stay under the pending batch plus twice the buffer (the
        ones being written and the queue refilling beside them)."""
        items = list(pending)
        for _ in range(self._queue.qsize()):
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                break
        if items:
            self._spill.append([it.msg for it in items])
            self.stats.spilled_chunks += 1
            self._ack(items)
            log.warning("spilled %d messages to %s", len(items), self._spill.path)
        return []

    def _replay_spill(self) -> None:
        for messages in self._spill.chunks():
            self._write(messages)
            self._spill.mark_stored()
        # Replayed chunks are idempotent, so a crash before clear() only repeats them.
        self._spill.clear()
        log.info("replayed the spill file into the store")

    def _ack(self, items: list[_Item]) -> None:
        gen = self._gen
        for it in items:
            # An ack for a message of an earlier connection would name another
            # message now; that one is redelivered, stored again (ignored as a
            # duplicate) and acknowledged then.
            if it.qos > 0 and it.gen == gen:
                self.client.ack(it.mid, it.qos)

    def _health(self, force: bool = False) -> None:
        st = self.stats
        detail = {
            "received": st.received,
            "stored": st.stored,
            "duplicates": st.duplicates,
            "dead": st.dead,
            "dead_dropped": st.dead_dropped,
            "corrected": st.corrected,
            "batches": st.batches,
            "buffered": self._queue.qsize(),
            "spilled": self._spill.count,
            "connected": st.connected,
            "last_batch_ms": round(st.last_batch_ms, 2),
            "alert_errors": st.alert_errors,
        }
        ok = st.connected and not self._store_failing
        error = st.last_error if self._store_failing else "not connected to the broker"
        try:
            record_health(
                self.engine,
                SOURCE,
                "mqtt",
                ok,
                error="" if ok else error,
                detail=detail,
            )
        except SQLAlchemyError as exc:
            log.warning("could not record ingest health: %s", exc)


# -- SQLite lock waits -----------------------------------------------------------------
def bounded_lock_wait(engine: Engine, wait_s: float) -> Engine:
    """``engine``, whose transactions on SQLite wait at most ``wait_s`` for another
    writer's lock instead of the store's 30 s busy timeout: a writer stalled that long
    could neither spill past its buffer nor say the store is locked. The pool is
    shared; each connection gets its own timeout back when the transaction ends.
    Other databases: ``engine`` itself."""
    if engine.dialect.name != "sqlite" or wait_s <= 0:
        return engine
    bounded = engine.execution_options()  # events on it are its own, not the pool's
    ms = int(wait_s * 1000)

    @event.listens_for(bounded, "begin")
    def _shorten(conn) -> None:  # noqa: ANN001 - SQLAlchemy Connection
        dbapi = conn.connection.dbapi_connection
        conn.info["ioc_busy_ms"] = dbapi.execute("PRAGMA busy_timeout").fetchone()[0]
        dbapi.execute(f"PRAGMA busy_timeout={ms}")

    def _restore(conn) -> None:  # noqa: ANN001 - SQLAlchemy Connection
        previous = conn.info.pop("ioc_busy_ms", None)
        if previous is None or conn.invalidated:
            return
        try:
            conn.connection.dbapi_connection.execute(
                f"PRAGMA busy_timeout={int(previous)}"
            )
        except sqlite3.Error:
            log.warning("could not restore busy_timeout=%s", previous, exc_info=True)

    event.listen(bounded, "commit", _restore)
    event.listen(bounded, "rollback", _restore)
    return bounded
