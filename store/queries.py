"""Read queries: plain functions returning pandas frames with documented columns and a
bounded number of rows. Times are epoch ms UTC in the store and in the frames (``ts``);
display code converts to Asia/Ho_Chi_Minh."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd
from sqlalchemy import Engine, Select, and_, desc, func, literal, select

from store.rollups import HOUR_MS, MINUTE_MS
from store.schema import (
    CitizenReport,
    DeadLetter,
    DeadLetterMinute,
    LatestValue,
    PressItem,
    Reading,
    Rollup1h,
    Rollup1m,
    Sensor,
    SourceHealth,
)
from store.writes import now_ms

MAX_POINTS = 5_000  # hard cap of one series answer
TARGET_POINTS = 1_000  # what "auto" aims for, per trace
# Vietnam has no daylight saving time: local buckets are UTC buckets shifted by 7 hours.
VN_OFFSET_MS = 7 * HOUR_MS
NICE_STEPS_S = (
    1,
    5,
    10,
    15,
    30,
    60,
    120,
    300,
    600,
    900,
    1800,
    3600,
    7200,
    10800,
    21600,
    43200,
    86400,
    172800,
    604800,
)
STALE_FACTOR = 3  # stale after 3 periods without a reading
OFFLINE_FACTOR = 30  # offline after 30 periods

SENSOR_COLUMNS = [
    "id",
    "kind",
    "name",
    "name_en",
    "area",
    "region",
    "lat",
    "lon",
    "unit",
    "period_s",
    "synthetic",
    "last_seen_ms",
    "age_s",
    "state",
]


def _frame(engine: Engine, stmt: Select, columns: list[str]) -> pd.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def freshness(last_seen_ms: int | None, period_s: float, at_ms: int) -> str:
    """ok / stale (no reading for 3 periods) / offline (30 periods) / never (no
    reading)."""
    if last_seen_ms is None:
        return "never"
    age_s = (at_ms - last_seen_ms) / 1000
    if age_s > OFFLINE_FACTOR * period_s:
        return "offline"
    if age_s > STALE_FACTOR * period_s:
        return "stale"
    return "ok"


def sensors(
    engine: Engine,
    kind: str | None = None,
    area: str | None = None,
    region: str | None = None,
    at_ms: int | None = None,
    limit: int = 10_000,
    areas: Collection[str] | None = None,
) -> pd.DataFrame:
    """Sensors with freshness. Columns: SENSOR_COLUMNS (age_s NaN when never seen).
    ``areas``: only sensors in these areas (None: all)."""
    at = now_ms() if at_ms is None else at_ms
    s = Sensor.__table__.c
    stmt = (
        select(
            s.id,
            s.kind,
            s.name,
            s.name_en,
            s.area,
            s.region,
            s.lat,
            s.lon,
            s.unit,
            s.period_s,
            s.synthetic,
            s.last_seen_ms,
        )
        .order_by(s.id)
        .limit(limit)
    )
    if kind:
        stmt = stmt.where(s.kind == kind)
    if area:
        stmt = stmt.where(s.area == area)
    if region:
        stmt = stmt.where(s.region == region)
    if areas is not None:
        stmt = stmt.where(s.area.in_(sorted(areas)))
    df = _frame(engine, stmt, SENSOR_COLUMNS[:-2])
    df["last_seen_ms"] = df["last_seen_ms"].astype("Int64")
    df["age_s"] = [
        (at - v) / 1000 if pd.notna(v) else float("nan") for v in df["last_seen_ms"]
    ]
    df["state"] = [
        freshness(None if pd.isna(v) else int(v), p, at)
        for v, p in zip(df["last_seen_ms"], df["period_s"], strict=True)
    ]
    return df


def sensor(engine: Engine, sensor_id: str) -> dict | None:
    """One sensor's definition as a dict (thresholds and metrics included), or None."""
    with engine.connect() as conn:
        row = conn.execute(
            select(Sensor.__table__).where(Sensor.id == sensor_id)
        ).mappings()
        row = row.first()
    return dict(row) if row else None


def latest(
    engine: Engine, sensor_id: str | None = None, limit: int = 50_000
) -> pd.DataFrame:
    """Newest value per sensor and metric. Columns: sensor_id, metric, ts, value."""
    t = LatestValue.__table__.c
    stmt = select(t.sensor_id, t.metric, t.ts, t.value).order_by(t.sensor_id, t.metric)
    if sensor_id is not None:
        stmt = stmt.where(t.sensor_id == sensor_id)
    return _frame(engine, stmt.limit(limit), ["sensor_id", "metric", "ts", "value"])


def auto_step_s(start_ms: int, end_ms: int, target: int = TARGET_POINTS) -> int:
    """The smallest nice step giving at most ``target`` buckets over the range."""
    span_s = max(1, (end_ms - start_ms) // 1000)
    for step in NICE_STEPS_S:
        if span_s / step <= target:
            return step
    return NICE_STEPS_S[-1]


def series_source(step_s: int) -> str:
    """Which table serves buckets of ``step_s``: raw readings, minute or hour
    rollups."""
    if step_s % 3600 == 0:
        return "rollup_1h"
    if step_s % 60 == 0:
        return "rollup_1m"
    return "readings"


def _check_range(start_ms: int, end_ms: int, step: int) -> None:
    if end_ms <= start_ms:
        raise ValueError("'to' must be after 'from'")
    if step < 1:
        raise ValueError("step must be at least 1 second")
    if (end_ms - start_ms) / (step * 1000) > MAX_POINTS:
        raise ValueError(f"more than {MAX_POINTS} points: use a larger step")


def _bucketed(src: str, step: int) -> tuple:
    """The columns of ``src`` (readings, rollup_1m or rollup_1h), its time column,
    the bucket expression (local-midnight aligned) and the aggregates count, sum,
    min and max of a ``step``-second bucket."""
    step_ms = step * 1000
    if src == "readings":
        t = Reading.__table__.c
        tcol = t.ts
        aggs = (func.count(), func.sum(t.value), func.min(t.value), func.max(t.value))
    else:
        t = (Rollup1h if src == "rollup_1h" else Rollup1m).__table__.c
        size = HOUR_MS if src == "rollup_1h" else MINUTE_MS
        if step_ms % size:
            raise ValueError(f"step {step}s does not fit {src}")
        tcol = t.bucket
        aggs = (func.sum(t.count), func.sum(t.sum), func.min(t.min), func.max(t.max))
    bucket = (tcol - (tcol + literal(VN_OFFSET_MS)) % literal(step_ms)).label("b")
    return t, tcol, bucket, aggs


def series(
    engine: Engine,
    sensor_id: str,
    metric: str,
    start_ms: int,
    end_ms: int,
    step_s: int | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """Bucketed series over [start_ms, end_ms). Columns: ts (bucket start, epoch ms),
    mean, min, max, count. Buckets of a day or more start at local midnight (UTC+7).

    Raises ValueError on an empty range, a step below 1 s or more than MAX_POINTS
    buckets. ``source`` forces a table (benchmarks compare raw against rollups)."""
    step = auto_step_s(start_ms, end_ms) if step_s is None else int(step_s)
    _check_range(start_ms, end_ms, step)
    t, tcol, bucket, aggs = _bucketed(source or series_source(step), step)
    stmt = (
        select(bucket, *aggs)
        .where(
            and_(
                t.sensor_id == sensor_id,
                t.metric == metric,
                tcol >= start_ms,
                tcol < end_ms,
            )
        )
        .group_by(bucket)
        .order_by(bucket)
    )
    df = _frame(engine, stmt, ["ts", "count", "sum", "min", "max"])
    df["mean"] = df["sum"] / df["count"]
    return df[["ts", "mean", "min", "max", "count"]]


SERIES_MANY_COLUMNS = ["sensor_id", "metric", "ts", "mean", "min", "max", "count"]


def series_many(
    engine: Engine,
    sensor_ids: Collection[str],
    metrics: Collection[str],
    start_ms: int,
    end_ms: int,
    step_s: int,
) -> pd.DataFrame:
    """``series`` of several sensors and metrics in one query: the same buckets for
    every (sensor, metric) pair that has data. Columns: SERIES_MANY_COLUMNS, ordered
    by sensor_id, metric, ts; at most MAX_POINTS buckets per pair. The environment
    page reads its charts with it: one query per refresh instead of one per trace."""
    step = int(step_s)
    _check_range(start_ms, end_ms, step)
    if not sensor_ids or not metrics:
        return pd.DataFrame(columns=SERIES_MANY_COLUMNS)
    t, tcol, bucket, aggs = _bucketed(series_source(step), step)
    stmt = (
        select(t.sensor_id, t.metric, bucket, *aggs)
        .where(
            and_(
                t.sensor_id.in_(sorted(sensor_ids)),
                t.metric.in_(sorted(metrics)),
                tcol >= start_ms,
                tcol < end_ms,
            )
        )
        .group_by(t.sensor_id, t.metric, bucket)
        .order_by(t.sensor_id, t.metric, bucket)
    )
    df = _frame(
        engine, stmt, ["sensor_id", "metric", "ts", "count", "sum", "min", "max"]
    )
    df["mean"] = df["sum"] / df["count"]
    return df[SERIES_MANY_COLUMNS]


def latest_many(engine: Engine, sensor_ids: Collection[str]) -> pd.DataFrame:
    """``latest`` of several sensors in one query. Columns: sensor_id, metric, ts,
    value; ordered by sensor_id, metric; at most 50,000 rows."""
    columns = ["sensor_id", "metric", "ts", "value"]
    if not sensor_ids:
        return pd.DataFrame(columns=columns)
    t = LatestValue.__table__.c
    stmt = (
        select(t.sensor_id, t.metric, t.ts, t.value)
        .where(t.sensor_id.in_(sorted(sensor_ids)))
        .order_by(t.sensor_id, t.metric)
        .limit(50_000)
    )
    return _frame(engine, stmt, columns)


def source_health(engine: Engine) -> pd.DataFrame:
    """Every data source's health. Columns as the source_health table."""
    t = SourceHealth.__table__
    cols = [c.name for c in t.columns]
    return _frame(engine, select(t).order_by(t.c.source).limit(1000), cols)


def dead_letters(engine: Engine, limit: int = 200) -> pd.DataFrame:
    """Newest dead letters first. Columns: id, source, payload, reason, ts."""
    t = DeadLetter.__table__.c
    stmt = select(t.id, t.source, t.payload, t.reason, t.ts).order_by(desc(t.id))
    return _frame(
        engine,
        stmt.limit(min(limit, 10_000)),
        ["id", "source", "payload", "reason", "ts"],
    )


def rejected_since(engine: Engine, since_ms: int) -> dict[str, int]:
    """Messages rejected since ``since_ms``: 'kept' as dead letters and 'dropped'
    (only counted, past the per-minute cap)."""
    t = DeadLetterMinute.__table__.c
    stmt = select(
        func.coalesce(func.sum(t.kept), 0), func.coalesce(func.sum(t.dropped), 0)
    ).where(t.minute_ms >= since_ms - since_ms % 60_000)
    with engine.connect() as conn:
        kept, dropped = conn.execute(stmt).one()
    return {"kept": int(kept), "dropped": int(dropped)}


def dead_letter_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(select(func.count()).select_from(DeadLetter)).scalar_one()
        )


def press_items(engine: Engine, limit: int = 50) -> pd.DataFrame:
    """Newest press items. Columns: guid, source, title, link, summary, category,
    published_ms."""
    t = PressItem.__table__.c
    stmt = (
        select(t.guid, t.source, t.title, t.link, t.summary, t.category, t.published_ms)
        .order_by(desc(t.published_ms))
        .limit(min(limit, 1000))
    )
    return _frame(
        engine,
        stmt,
        ["guid", "source", "title", "link", "summary", "category", "published_ms"],
    )


def data_as_of(engine: Engine) -> int | None:
    """Time of the newest reading in the store (epoch ms), None when empty."""
    with engine.connect() as conn:
        return conn.execute(select(func.max(LatestValue.ts))).scalar_one_or_none()


LATEST_COLUMNS = [
    "sensor_id",
    "name",
    "name_en",
    "kind",
    "area",
    "metric",
    "ts",
    "value",
    "state",
]


def latest_with_sensors(
    engine: Engine, limit: int = 50, at_ms: int | None = None
) -> pd.DataFrame:
    """Newest values joined with their sensors, newest first. Columns:
    LATEST_COLUMNS."""
    at = now_ms() if at_ms is None else at_ms
    lv = LatestValue.__table__.c
    s = Sensor.__table__.c
    stmt = (
        select(
            lv.sensor_id,
            s.name,
            s.name_en,
            s.kind,
            s.area,
            lv.metric,
            lv.ts,
            lv.value,
            s.last_seen_ms,
            s.period_s,
        )
        .join(Sensor.__table__, s.id == lv.sensor_id)
        .order_by(desc(lv.ts))
        .limit(min(limit, 5000))
    )
    df = _frame(engine, stmt, LATEST_COLUMNS[:-1] + ["last_seen_ms", "period_s"])
    df["state"] = [
        freshness(v, p, at)
        for v, p in zip(df["last_seen_ms"], df["period_s"], strict=True)
    ]
    return df[LATEST_COLUMNS]


def state_counts(
    engine: Engine,
    at_ms: int | None = None,
    kinds: frozenset[str] | None = None,
    areas: frozenset[str] | None = None,
) -> dict[str, int]:
    """How many sensors (of ``kinds`` in ``areas``; None: all) are in each freshness
    state, plus
    'total': one aggregate query with ``freshness``'s rules (the overview asks for it
    at every tick)."""
    at = now_ms() if at_ms is None else at_ms
    s = Sensor.__table__.c
    age_s = (literal(at) - s.last_seen_ms) / 1000.0
    never = s.last_seen_ms.is_(None)
    offline = and_(~never, age_s > OFFLINE_FACTOR * s.period_s)
    stale = and_(~never, age_s <= OFFLINE_FACTOR * s.period_s)
    stale = and_(stale, age_s > STALE_FACTOR * s.period_s)
    ok = and_(~never, age_s <= STALE_FACTOR * s.period_s)
    stmt = select(
        func.count(),
        func.count().filter(ok),
        func.count().filter(stale),
        func.count().filter(offline),
        func.count().filter(never),
    )
    if kinds is not None:
        stmt = stmt.where(s.kind.in_(sorted(kinds)))
    if areas is not None:
        stmt = stmt.where(s.area.in_(sorted(areas)))
    with engine.connect() as conn:
        row = conn.execute(stmt).one()
    return dict(
        zip(("total", "ok", "stale", "offline", "never"), map(int, row), strict=True)
    )


REPORT_COLUMNS = [
    "id",
    "status",
    "service_code",
    "service_name",
    "description",
    "agency",
    "address",
    "area",
    "lat",
    "lon",
    "requested_ms",
    "updated_ms",
]


def citizen_reports(
    engine: Engine,
    status: str | None = None,
    limit: int = 200,
    ids: list[str] | None = None,
    service_codes: list[str] | None = None,
    start_ms: int | None = None,
    end_ms: int | None = None,
    areas: Collection[str] | None = None,
) -> pd.DataFrame:
    """Newest citizens' reports first, optionally of these ids or services, requested
    in [start_ms, end_ms). Columns: REPORT_COLUMNS; at most 5,000 rows. ``areas``:
    only reports in these areas (None: all; a report with no area is in none)."""
    t = CitizenReport.__table__.c
    stmt = select(*[t[c] for c in REPORT_COLUMNS]).order_by(desc(t.requested_ms))
    if status:
        stmt = stmt.where(t.status == status)
    if ids is not None:
        stmt = stmt.where(t.id.in_(ids))
    if service_codes is not None:
        stmt = stmt.where(t.service_code.in_(service_codes))
    if start_ms is not None:
        stmt = stmt.where(t.requested_ms >= start_ms)
    if end_ms is not None:
        stmt = stmt.where(t.requested_ms < end_ms)
    if areas is not None:
        stmt = stmt.where(t.area.in_(sorted(areas)))
    return _frame(engine, stmt.limit(min(limit, 5000)), REPORT_COLUMNS)


def sensor_metrics(
    engine: Engine,
    ids: Collection[str] | None = None,
    kind: str | None = None,
    area: str | None = None,
    region: str | None = None,
    areas: Collection[str] | None = None,
    kinds: Collection[str] | None = None,
    limit: int = 10_000,
) -> pd.DataFrame:
    """Sensors and the metrics they measure, for choosing series. Columns: id, kind,
    area, unit, metrics (a list); ordered by id. ``ids``, ``kind``, ``area`` and
    ``region`` filter; ``areas`` and ``kinds`` are a reader's scope (None: all)."""
    s = Sensor.__table__.c
    stmt = select(s.id, s.kind, s.area, s.unit, s.metrics).order_by(s.id).limit(limit)
    if ids is not None:
        stmt = stmt.where(s.id.in_(sorted(ids)))
    if kind:
        stmt = stmt.where(s.kind == kind)
    if area:
        stmt = stmt.where(s.area == area)
    if region:
        stmt = stmt.where(s.region == region)
    if areas is not None:
        stmt = stmt.where(s.area.in_(sorted(areas)))
    if kinds is not None:
        stmt = stmt.where(s.kind.in_(sorted(kinds)))
    df = _frame(engine, stmt, ["id", "kind", "area", "unit", "metrics"])
    df["metrics"] = [list(m or []) for m in df["metrics"]]
    return df
