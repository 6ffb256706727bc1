"""Writes into the store: one transaction per batch, idempotent where a source
repeats."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import (
    Engine,
    Table,
    bindparam,
    case,
    delete,
    func,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.engine import Connection

from store import rollups
from store.metrics import METRICS
from store.schema import (
    CitizenReport,
    DeadLetter,
    DeadLetterMinute,
    LatestValue,
    PressItem,
    Reading,
    ReadingCorrection,
    Sensor,
    SourceHealth,
)
from store.upsert import insert_for

if TYPE_CHECKING:
    import province

# A dead letter keeps an excerpt of what was rejected, enough to see what a sender
# got wrong; a flood of large payloads must not grow the store (or the ingest's
# buffer, which holds this text) by their size.
MAX_PAYLOAD_CHARS = 1_000
MAX_REASON_CHARS = 2_000
# Dead letters kept per channel and minute; the rest are only counted
# (IOC_DEAD_LETTERS_PER_MINUTE).
DEAD_PER_MINUTE = 60
MINUTE_MS = 60_000
# Corrections of readings kept at most (and 90 days): a device that corrects the
# same reading forever must not grow the store forever.
MAX_CORRECTIONS = 100_000


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
    """A rejected message. ``source`` says where it came from (an MQTT topic, a feed);
    ``channel`` is the data source whose per-minute cap it counts against."""

    source: str
    payload: str
    reason: str
    ts_ms: int
    channel: str = "mqtt"


@dataclass(frozen=True)
class BatchResult:
    inserted: int
    duplicates: int
    dead: int
    dead_dropped: int = 0
    corrected: int = 0


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
        text = text[:MAX_PAYLOAD_CHARS] + f"… [{len(payload)} bytes]"
    return text


def write_batch(
    engine: Engine,
    rows: Sequence[Row],
    dead: Sequence[Dead] = (),
    dead_per_minute: int = DEAD_PER_MINUTE,
) -> BatchResult:
    """Store readings and dead letters in one transaction (``store_readings`` and
    ``store_dead``)."""
    with engine.begin() as conn:
        inserted, duplicates, corrected = store_readings(conn, rows)
        kept, dropped = store_dead(conn, dead, dead_per_minute)
    return BatchResult(inserted, duplicates, kept, dropped, corrected)


def store_readings(conn: Connection, rows: Sequence[Row]) -> tuple[int, int, int]:
    """Store readings in ``conn``'s transaction: (inserted, duplicates, corrected).

    Readings are keyed by (sensor_id, metric, ts). A new key is inserted; the same key
    with the same value is a duplicate (a redelivery) and changes nothing; the same
    key with another value is the device's correction: it replaces the stored value,
    the old one is kept in ``reading_corrections`` and the rollups of that bucket are
    recomputed. Within one batch the last value of a key wins (arrival order).
    """
    if not rows:
        return 0, 0, 0
    unique: dict[tuple[str, str, int], float] = {}
    corrected = 0
    for r in rows:
        unique[(r.sensor_id, r.metric, r.ts_ms)] = r.value
    inserted = _insert_readings(conn, unique)
    if inserted:
        for size in rollups.ROLLUPS:
            rollups.merge(conn, size, rollups.deltas(inserted, size))
        _merge_latest(conn, inserted)
    if len(inserted) < len(unique):
        done = {(i[0], i[1], i[2]) for i in inserted}
        repeats = {k: v for k, v in unique.items() if k not in done}
        corrected = _apply_corrections(conn, repeats)
    return len(inserted), len(rows) - len(inserted) - corrected, corrected


def store_dead(
    conn: Connection, dead: Sequence[Dead], per_minute: int = DEAD_PER_MINUTE
) -> tuple[int, int]:
    """Store dead letters in ``conn``'s transaction: (kept, dropped). Those beyond
    ``per_minute`` per channel and minute are counted in ``dead_letter_minutes`` but
    not kept."""
    if not dead:
        return 0, 0
    kept = _cap_dead(conn, dead, per_minute)
    if kept:
        conn.execute(
            DeadLetter.__table__.insert(),
            [
                {
                    "source": d.source[:300],
                    "payload": d.payload[: MAX_PAYLOAD_CHARS + 100],
                    "reason": d.reason[:MAX_REASON_CHARS],
                    "ts": d.ts_ms,
                }
                for d in kept
            ],
        )
    return len(kept), len(dead) - len(kept)


def _cap_dead(conn: Connection, dead: Sequence[Dead], per_minute: int) -> list[Dead]:
    """The dead letters to keep under the per-minute cap of their channel; counts
    kept and dropped ones in ``dead_letter_minutes``."""
    groups: dict[tuple[str, int], list[Dead]] = {}
    for d in dead:
        minute = d.ts_ms - d.ts_ms % MINUTE_MS
        groups.setdefault((d.channel[:64], minute), []).append(d)
    t = DeadLetterMinute.__table__
    kept: list[Dead] = []
    for (channel, minute), items in sorted(groups.items()):
        already = conn.execute(
            select(t.c.kept).where((t.c.channel == channel) & (t.c.minute_ms == minute))
        ).scalar()
        keep = items[: max(0, per_minute - (already or 0))]
        kept.extend(keep)
        stmt = insert_for(conn, t).values(
            channel=channel,
            minute_ms=minute,
            kept=len(keep),
            dropped=len(items) - len(keep),
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[t.c.channel, t.c.minute_ms],
            set_={
                "kept": t.c.kept + stmt.excluded.kept,
                "dropped": t.c.dropped + stmt.excluded.dropped,
            },
        )
        conn.execute(stmt)
    return kept


def _same(a: float, b: float) -> bool:
    return a == b or (a != a and b != b)  # NaN equals NaN here


def _apply_corrections(
    conn: Connection, repeats: dict[tuple[str, str, int], float]
) -> int:
    """Readings whose key is stored already: those with another value replace it
    (kept in reading_corrections, their rollup buckets recomputed, the latest value
    updated when it was that one). Returns how many were corrections."""
    r = Reading.__table__
    stored: dict[tuple[str, str, int], float] = {}
    keys = list(repeats)
    for i in range(0, len(keys), 300):
        chunk = keys[i : i + 300]
        for sid, metric, ts, value in conn.execute(
            select(r.c.sensor_id, r.c.metric, r.c.ts, r.c.value).where(
                tuple_(r.c.sensor_id, r.c.metric, r.c.ts).in_(chunk)
            )
        ):
            stored[(sid, metric, ts)] = value
    changed = [
        (k, stored[k], v)
        for k, v in repeats.items()
        if k in stored and not _same(stored[k], v)
    ]
    if not changed:
        return 0
    params = [
        {"k_sensor": k[0], "k_metric": k[1], "k_ts": k[2], "k_value": new}
        for k, _old, new in changed
    ]
    for table in (r, LatestValue.__table__):
        conn.execute(
            update(table)
            .where(
                (table.c.sensor_id == bindparam("k_sensor"))
                & (table.c.metric == bindparam("k_metric"))
                & (table.c.ts == bindparam("k_ts"))
            )
            .values(value=bindparam("k_value")),
            params,
        )
    at = now_ms()
    conn.execute(
        ReadingCorrection.__table__.insert(),
        [
            {
                "sensor_id": k[0],
                "metric": k[1],
                "ts": k[2],
                "old_value": old,
                "new_value": new,
                "corrected_ms": at,
            }
            for k, old, new in changed
        ],
    )
    rollups.recompute_keys(conn, [k for k, _old, _new in changed])
    return len(changed)


def prune(
    engine: Engine,
    dead_keep_days: float,
    dead_max_rows: int,
    corrections_keep_days: float = 90,
    at_ms: int | None = None,
) -> dict[str, int]:
    """Retention: dead letters older than ``dead_keep_days`` or beyond the newest
    ``dead_max_rows``, their minute counts, and old corrections. Returns rows deleted
    per table."""
    at = now_ms() if at_ms is None else at_ms
    dl = DeadLetter.__table__
    dm = DeadLetterMinute.__table__
    rc = ReadingCorrection.__table__
    out = {}
    with engine.begin() as conn:
        cutoff = at - int(dead_keep_days * 86_400_000)
        n = conn.execute(delete(dl).where(dl.c.ts < cutoff)).rowcount
        out["dead_letters"] = n + _keep_newest(conn, dl, dead_max_rows)
        out["dead_letter_minutes"] = conn.execute(
            delete(dm).where(dm.c.minute_ms < cutoff)
        ).rowcount
        corrections_cutoff = at - int(corrections_keep_days * 86_400_000)
        n = conn.execute(
            delete(rc).where(rc.c.corrected_ms < corrections_cutoff)
        ).rowcount
        out["reading_corrections"] = n + _keep_newest(conn, rc, MAX_CORRECTIONS)
    return out


def _keep_newest(conn: Connection, table: Table, rows: int) -> int:
    """Delete all but the newest ``rows`` rows (by id) of ``table``."""
    oldest_kept = conn.execute(
        select(table.c.id).order_by(table.c.id.desc()).offset(rows - 1).limit(1)
    ).scalar()
    if oldest_kept is None:
        return 0
    return conn.execute(delete(table).where(table.c.id < oldest_kept)).rowcount


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


def sensor_rows(specs: Iterable[province.SensorSpec]) -> list[dict]:
    """Sensor specs of the profile as rows of the sensors table (``sync_sensors``)."""
    return [
        {
            "id": s.id,
            "kind": s.kind,
            "name": s.name,
            "name_en": s.name_en,
            "area": s.area,
            "region": s.region,
            "lat": s.lat,
            "lon": s.lon,
            "unit": METRICS[s.metrics[0]].unit,
            "metrics": list(s.metrics),
            "period_s": s.period_s,
            "thresholds": dict(s.thresholds),
            "synthetic": s.synthetic,
        }
        for s in specs
    ]


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


def record_hung(
    engine: Engine,
    source: str,
    kind: str,
    since_ms: int,
    error: str,
    detail: dict | None = None,
    at_ms: int | None = None,
) -> None:
    """Mark a source 'hung': its run that began at ``since_ms`` is still going past its
    deadline. Counts are left alone (the run has not ended); the run's own result,
    when it comes, replaces the mark. Written only if the source recorded nothing
    since ``since_ms``, so a run that ended meanwhile is never marked."""
    at = now_ms() if at_ms is None else at_ms
    t = SourceHealth.__table__
    c = t.c
    with engine.begin() as conn:
        stmt = insert_for(conn, t).values(
            source=source,
            kind=kind,
            status="hung",
            last_error_ms=at,
            error_text=error[:MAX_REASON_CHARS],
            ok_count=0,
            error_count=0,
            consecutive_errors=0,
            detail=detail or {},
        )
        ex = stmt.excluded
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[c.source],
                set_={
                    "status": ex.status,
                    "last_error_ms": ex.last_error_ms,
                    "error_text": ex.error_text,
                    "detail": ex.detail,
                },
                where=(func.coalesce(c.last_ok_ms, 0) < since_ms)
                & (func.coalesce(c.last_error_ms, 0) < since_ms),
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
