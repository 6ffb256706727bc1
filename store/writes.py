"""Writes into the store: one transaction per batch, idempotent where a source
repeats."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, Table, bindparam, case, text, update
from sqlalchemy.engine import Connection

from store import rollups
from store.schema import (
    CitizenReport,
    DeadLetter,
    LatestValue,
    PressItem,
    Reading,
    Sensor,
    SourceHealth,
)
from store.upsert import insert_for

MAX_PAYLOAD_CHARS = 65_536
MAX_REASON_CHARS = 2_000


def now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True)
class Row:
    """A reading to store: epoch milliseconds UTC."""

    sensor_id: str
    metric: str
    ts_ms: int
    value: float


@dataclass(frozen=True)
class Dead:
    source: str
    payload: str
    reason: str
    ts_ms: int


@dataclass(frozen=True)
class BatchResult:
    inserted: int
    duplicates: int
    dead: int


def payload_text(payload: bytes) -> str:
    """A payload as storable text: UTF-8 if it is (without NUL), else a hex dump;
    capped in length."""
    try:
        text: str | None = payload.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    # NUL is valid UTF-8 but PostgreSQL refuses it in text: the whole batch would fail.
    if text is None or "\x00" in text:
        text = "hex:" + payload[: MAX_PAYLOAD_CHARS // 2].hex()
    if len(text) > MAX_PAYLOAD_CHARS:
        text = text[:MAX_PAYLOAD_CHARS] + f"… [truncated, {len(payload)} bytes]"
    return text


def write_batch(
    engine: Engine, rows: Sequence[Row], dead: Sequence[Dead] = ()
) -> BatchResult:
    """Store readings and dead letters in one transaction.

    Readings are insert-or-ignore on (sensor_id, metric, ts); only the rows actually
    inserted
    feed the rollups, the latest values and the sensors' last-seen time.
    """
    inserted: list[tuple[str, str, int, float]] = []
    with engine.begin() as conn:
        if rows:
            # Same key twice in one batch: keep the first, as the database would.
            unique: dict[tuple[str, str, int], float] = {}
            for r in rows:
                unique.setdefault((r.sensor_id, r.metric, r.ts_ms), r.value)
            inserted = _insert_readings(conn, unique)
            if inserted:
                for size in rollups.ROLLUPS:
                    rollups.merge(conn, size, rollups.deltas(inserted, size))
                _merge_latest(conn, inserted)
        if dead:
            conn.execute(
                DeadLetter.__table__.insert(),
                [
                    {
                        "source": d.source[:300],
                        "payload": d.payload[: MAX_PAYLOAD_CHARS + 100],
                        "reason": d.reason[:MAX_REASON_CHARS],
                        "ts": d.ts_ms,
                    }
                    for d in dead
                ],
            )
    return BatchResult(len(inserted), len(rows) - len(inserted), len(dead))


_PG_INSERT_READINGS = text(
    "INSERT INTO readings (sensor_id, metric, ts, value) "
    "SELECT * FROM unnest(CAST(:sensor_id AS text[]), CAST(:metric AS text[]), "
    "CAST(:ts AS bigint[]), CAST(:value AS double precision[])) "
    "ON CONFLICT DO NOTHING RETURNING sensor_id, metric, ts, value"
)

# Upserted in key order, so concurrent ingest processes take row locks in one order.
_PG_MERGE_LATEST = text(
    "INSERT INTO latest_values AS l (sensor_id, metric, ts, value) "
    "SELECT * FROM unnest(CAST(:sensor_id AS text[]), CAST(:metric AS text[]), "
    "CAST(:ts AS bigint[]), CAST(:value AS double precision[])) ORDER BY 1, 2 "
    "ON CONFLICT (sensor_id, metric) DO UPDATE SET ts = excluded.ts, "
    "value = excluded.value WHERE excluded.ts > l.ts"
)


def _insert_readings(
    conn: Connection, unique: dict[tuple[str, str, int], float]
) -> list[tuple[str, str, int, float]]:
    """Insert-or-ignore ``{(sensor, metric, ts): value}``; return the rows inserted."""
    if conn.dialect.name == "postgresql":
        # One statement with four array parameters: SQLAlchemy's executemany renders
        # 1,000-row VALUES lists with RETURNING and took ~5x longer per batch
        # (bench/ingest.py, notes in bench/RESULTS.md).
        keys = list(unique)
        params = {
            "sensor_id": [k[0] for k in keys],
            "metric": [k[1] for k in keys],
            "ts": [k[2] for k in keys],
            "value": [float(v) for v in unique.values()],
        }
        return [tuple(x) for x in conn.execute(_PG_INSERT_READINGS, params)]
    t = Reading.__table__
    stmt = (
        insert_for(conn, t)
        .on_conflict_do_nothing()
        .returning(t.c.sensor_id, t.c.metric, t.c.ts, t.c.value)
    )
    params = [
        {"sensor_id": k[0], "metric": k[1], "ts": k[2], "value": v}
        for k, v in unique.items()
    ]
    return [tuple(x) for x in conn.execute(stmt, params)]


def _merge_latest(conn, inserted: Iterable[tuple[str, str, int, float]]) -> None:  # noqa: ANN001
    newest: dict[tuple[str, str], tuple[int, float]] = {}
    for sensor_id, metric, ts, value in inserted:
        cur = newest.get((sensor_id, metric))
        if cur is None or ts > cur[0]:
            newest[(sensor_id, metric)] = (ts, value)
    if conn.dialect.name == "postgresql":
        keys = list(newest)
        conn.execute(
            _PG_MERGE_LATEST,
            {
                "sensor_id": [k[0] for k in keys],
                "metric": [k[1] for k in keys],
                "ts": [v[0] for v in newest.values()],
                "value": [float(v[1]) for v in newest.values()],
            },
        )
    else:
        t = LatestValue.__table__
        stmt = insert_for(conn, t)
        stmt = stmt.on_conflict_do_update(
            index_elements=[t.c.sensor_id, t.c.metric],
            set_={"ts": stmt.excluded.ts, "value": stmt.excluded.value},
            where=stmt.excluded.ts > t.c.ts,
        )
        conn.execute(
            stmt,
            [
                {"sensor_id": k[0], "metric": k[1], "ts": v[0], "value": v[1]}
                for k, v in sorted(newest.items())
            ],
        )
    seen: dict[str, int] = {}
    for (sensor_id, _metric), (ts, _v) in newest.items():
        seen[sensor_id] = max(ts, seen.get(sensor_id, ts))
    s = Sensor.__table__
    conn.execute(
        update(s)
        .where(s.c.id == bindparam("sid"))
        .values(
            last_seen_ms=case(
                (s.c.last_seen_ms.is_(None), bindparam("seen")),
                (s.c.last_seen_ms < bindparam("seen"), bindparam("seen")),
                else_=s.c.last_seen_ms,
            )
        ),
        [{"sid": k, "seen": v} for k, v in sorted(seen.items())],
    )


def sync_sensors(engine: Engine, sensors: Iterable[dict]) -> int:
    """Upsert sensor definitions (id, kind, name, name_en, area, region, lat, lon, unit,
    metrics, period_s, thresholds, synthetic); never touches last_seen_ms."""
    return _upsert_by_id(engine, Sensor.__table__, [dict(s) for s in sensors])


def _upsert_by_id(engine: Engine, table: Table, rows: list[dict]) -> int:
    """Insert rows, or update the columns they carry where the id exists already."""
    if not rows:
        return 0
    with engine.begin() as conn:
        stmt = insert_for(conn, table)
        cols = [k for k in rows[0] if k != "id"]
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.id], set_={k: stmt.excluded[k] for k in cols}
        )
        conn.execute(stmt, rows)
    return len(rows)


def record_health(
    engine: Engine,
    source: str,
    kind: str,
    ok: bool,
    error: str = "",
    duration_ms: float | None = None,
    detail: dict | None = None,
    at_ms: int | None = None,
) -> None:
    """Record one run (or state change) of a data source."""
    at = now_ms() if at_ms is None else at_ms
    t = SourceHealth.__table__
    detail_json = detail or {}
    with engine.begin() as conn:
        stmt = insert_for(conn, t)
        values = {
            "source": source,
            "kind": kind,
            "status": "ok" if ok else "error",
            "last_ok_ms": at if ok else None,
            "last_error_ms": None if ok else at,
            "error_text": "" if ok else error[:MAX_REASON_CHARS],
            "ok_count": 1 if ok else 0,
            "error_count": 0 if ok else 1,
            "consecutive_errors": 0 if ok else 1,
            "last_duration_ms": duration_ms,
            "detail": detail_json,
        }
        ex = stmt.excluded
        c = t.c
        if ok:
            set_ = {
                "status": ex.status,
                "last_ok_ms": ex.last_ok_ms,
                "ok_count": c.ok_count + 1,
                "consecutive_errors": 0,
                "last_duration_ms": ex.last_duration_ms,
                "detail": ex.detail,
                "kind": ex.kind,
            }
        else:
            set_ = {
                "status": ex.status,
                "last_error_ms": ex.last_error_ms,
                "error_text": ex.error_text,
                "error_count": c.error_count + 1,
                "consecutive_errors": c.consecutive_errors + 1,
                "last_duration_ms": ex.last_duration_ms,
                "detail": ex.detail,
                "kind": ex.kind,
            }
        conn.execute(
            stmt.values(**values).on_conflict_do_update(
                index_elements=[c.source], set_=set_
            )
        )


def upsert_press_items(engine: Engine, items: Sequence[dict]) -> int:
    """Insert new press items (guid is the key); return how many were new."""
    if not items:
        return 0
    t = PressItem.__table__
    with engine.begin() as conn:
        stmt = insert_for(conn, t).on_conflict_do_nothing().returning(t.c.guid)
        return len(list(conn.execute(stmt, list(items))))


def upsert_citizen_reports(engine: Engine, reports: Sequence[dict]) -> int:
    """Insert or update citizens' reports by id (status changes as they are handled);
    return how many rows were written."""
    return _upsert_by_id(engine, CitizenReport.__table__, list(reports))
