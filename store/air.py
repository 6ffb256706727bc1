"""Air quality of the stations (sensors of kind "air") from the hourly rollups.

Both functions read ``rollup_1h`` once (one bounded query for one station or for all of
them: 31 hour buckets per station and pollutant), turn the buckets into hourly means
(sum / count) and hand them to the pure functions of ``store.aqi``.

Choices
-------
- The hour of ``at_ms`` (now by default) is the newest hour, even while it is still
  filling: its bucket holds the readings so far. The buckets of that hour may hold
  readings later than ``at_ms``; a rollup cannot be cut inside its hour.
- Hourly AQI: the NowCast of the last 12 hours for PM, the newest hour for the gases
  (the EPA scale also uses 8 and 24 hours for O3, CO and SO2, as store.aqi says).
- Daily AQI: the LAST 24 HOURS ending with the newest hour, not the Vietnam calendar
  day so far. A calendar day would leave the PM daily index empty until 18:00 each
  day (a 24 h mean needs 18 of its hours), and a control room wants a daily figure at
  any time. The 7 hours before the window are passed too, so the O3 and CO 8 h windows
  of the first hours are complete (store.aqi.daily_aqi).
- ``ts`` of both blocks is the start of the newest hour (epoch ms, UTC).
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd
from sqlalchemy import Engine, and_, func, literal, select

from store import aqi, queries
from store.rollups import HOUR_MS, MINUTE_MS
from store.schema import LatestValue, Reading, Rollup1h, Rollup1m, Sensor
from store.writes import now_ms

AIR_KIND = "air"
HOURS = 24 + 7  # a day of hourly means and the 7 hours that complete its 8 h windows
MAX_STATIONS = 5_000


def _block(result: aqi.AqiResult, ts_ms: int) -> dict:
    return {
        "aqi": result.aqi,
        "category": result.category,
        "dominant": result.dominant,
        "sub_indices": dict(result.sub_indices),
        "ts": ts_ms,
    }


def _hour_start(ms: int) -> int:
    return ms - ms % HOUR_MS


def _station(station_id: str, means: dict[str, list[float | None]], hour: int) -> dict:
    """The answer for one station from its hourly means (most recent first)."""
    return {
        "station": station_id,
        "hourly": _block(aqi.hourly_aqi(means, "vn"), hour),
        "daily": _block(aqi.daily_aqi(means, "vn"), hour),
        "us": {
            "hourly": _block(aqi.hourly_aqi(means, "epa"), hour),
            "daily": _block(aqi.daily_aqi(means, "epa"), hour),
        },
    }


def _means(
    engine: Engine,
    hour: int,
    station_id: str | None,
    hours: int = HOURS,
    station_ids: Collection[str] | None = None,
) -> dict[str, dict[str, list[float | None]]]:
    """{station: {pollutant: ``hours`` hourly means, newest first}} from one query
    (of one station, of ``station_ids``, or of every air station)."""
    r = Rollup1h.__table__.c
    s = Sensor.__table__.c
    first = hour - (hours - 1) * HOUR_MS
    stmt = (
        select(r.sensor_id, r.metric, r.bucket, r.sum, r.count)
        .join(Sensor.__table__, s.id == r.sensor_id)
        .where(
            and_(
                s.kind == AIR_KIND,
                r.metric.in_(aqi.POLLUTANTS),
                r.bucket >= first,
                r.bucket <= hour,
            )
        )
    )
    if station_id is not None:
        stmt = stmt.where(r.sensor_id == station_id)
    if station_ids is not None:
        stmt = stmt.where(r.sensor_id.in_(sorted(station_ids)))
    out: dict[str, dict[str, list[float | None]]] = {}
    with engine.connect() as conn:
        for sensor_id, metric, bucket, total, count in conn.execute(stmt):
            if not count:
                continue
            position = (hour - int(bucket)) // HOUR_MS
            series = out.setdefault(sensor_id, {}).setdefault(metric, [None] * hours)
            series[position] = float(total) / int(count)
    return out


def station_aqi(
    engine: Engine, station_id: str, at_ms: int | None = None
) -> dict | None:
    """Hourly and daily AQI of one station on the VN scale (``hourly``, ``daily``) and
    the US EPA scale (``us``); None when ``station_id`` is not an air station.

    Each block: aqi (int or None), category (a store.aqi.CATEGORIES key or None),
    dominant (a pollutant or None), sub_indices ({pollutant: int}), ts (epoch ms of
    the newest hour)."""
    s = Sensor.__table__.c
    with engine.connect() as conn:
        kind = conn.execute(
            select(s.kind).where(s.id == station_id)
        ).scalar_one_or_none()
    if kind != AIR_KIND:
        return None
    hour = _hour_start(now_ms() if at_ms is None else at_ms)
    means = _means(engine, hour, station_id).get(station_id, {})
    return _station(station_id, means, hour)


def all_stations_aqi(engine: Engine, at_ms: int | None = None) -> list[dict]:
    """``station_aqi`` of every air station, ordered by id (two queries in all)."""
    s = Sensor.__table__.c
    with engine.connect() as conn:
        ids = list(
            conn.execute(
                select(s.id)
                .where(s.kind == AIR_KIND)
                .order_by(s.id)
                .limit(MAX_STATIONS)
            ).scalars()
        )
    hour = _hour_start(now_ms() if at_ms is None else at_ms)
    means = _means(engine, hour, None)
    return [_station(i, means.get(i, {}), hour) for i in ids]


def hourly_vn_aqi(
    engine: Engine, station_ids: Collection[str], at_ms: int | None = None
) -> dict[str, dict]:
    """{station: the ``hourly`` block of ``station_aqi``} for these stations, from the
    12 hours the NowCast needs (a map colours every station by it; the daily and EPA
    figures are read for the one station a user opens)."""
    if not station_ids:
        return {}
    hour = _hour_start(now_ms() if at_ms is None else at_ms)
    means = _means(engine, hour, None, aqi.NOWCAST_HOURS, station_ids)
    return {
        i: _block(aqi.hourly_aqi(means.get(i, {}), "vn"), hour) for i in station_ids
    }


SERIES_MANY_COLUMNS = ["sensor_id", "metric", "ts", "mean", "min", "max", "count"]


def series_many(
    engine: Engine,
    sensor_ids: Collection[str],
    metrics: Collection[str],
    start_ms: int,
    end_ms: int,
    step_s: int,
) -> pd.DataFrame:
    """``queries.series`` of several sensors and metrics in one query: the same
    buckets (same table, same local-midnight alignment) for every (sensor, metric)
    pair that has data. Columns: SERIES_MANY_COLUMNS, ordered by sensor_id, metric,
    ts; at most ``queries.MAX_POINTS`` buckets per pair.

    The environment page reads its noise meters, its station's pollutants and its
    gauge with it: one query per refresh instead of one per trace.
    (It belongs beside ``queries.series``; it lives here while that module has
    other owners.)"""
    if end_ms <= start_ms:
        raise ValueError("'to' must be after 'from'")
    step = int(step_s)
    if step < 1:
        raise ValueError("step must be at least 1 second")
    if (end_ms - start_ms) / (step * 1000) > queries.MAX_POINTS:
        raise ValueError(f"more than {queries.MAX_POINTS} points: use a larger step")
    if not sensor_ids or not metrics:
        return pd.DataFrame(columns=SERIES_MANY_COLUMNS)
    src = queries.series_source(step)
    step_ms = step * 1000
    if src == "readings":
        t = Reading.__table__.c
        tcol = t.ts
        cnt, total = func.count(), func.sum(t.value)
        lo, hi = func.min(t.value), func.max(t.value)
    else:
        t = (Rollup1h if src == "rollup_1h" else Rollup1m).__table__.c
        size = HOUR_MS if src == "rollup_1h" else MINUTE_MS
        if step_ms % size:
            raise ValueError(f"step {step}s does not fit {src}")
        tcol = t.bucket
        cnt, total = func.sum(t.count), func.sum(t.sum)
        lo, hi = func.min(t.min), func.max(t.max)
    bucket = (tcol - (tcol + literal(queries.VN_OFFSET_MS)) % literal(step_ms)).label(
        "b"
    )
    stmt = (
        select(t.sensor_id, t.metric, bucket, cnt, total, lo, hi)
        .where(
            and_(
                t.sensor_id.in_(list(sensor_ids)),
                t.metric.in_(list(metrics)),
                tcol >= start_ms,
                tcol < end_ms,
            )
        )
        .group_by(t.sensor_id, t.metric, bucket)
        .order_by(t.sensor_id, t.metric, bucket)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    df = pd.DataFrame(
        [tuple(r) for r in rows],
        columns=["sensor_id", "metric", "ts", "count", "sum", "min", "max"],
    )
    df["mean"] = df["sum"] / df["count"]
    return df[SERIES_MANY_COLUMNS]


def latest_many(engine: Engine, sensor_ids: Collection[str]) -> pd.DataFrame:
    """``queries.latest`` of several sensors in one query. Columns: sensor_id, metric,
    ts, value; ordered by sensor_id, metric; at most 50,000 rows.
    (Like ``series_many``, it belongs in store.queries.)"""
    columns = ["sensor_id", "metric", "ts", "value"]
    if not sensor_ids:
        return pd.DataFrame(columns=columns)
    t = LatestValue.__table__.c
    stmt = (
        select(t.sensor_id, t.metric, t.ts, t.value)
        .where(t.sensor_id.in_(list(sensor_ids)))
        .order_by(t.sensor_id, t.metric)
        .limit(50_000)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)
