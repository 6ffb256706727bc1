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

from sqlalchemy import Engine, and_, select

from store import aqi
from store.rollups import HOUR_MS
from store.schema import Rollup1h, Sensor
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
