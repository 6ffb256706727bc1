"""The baseline web app: the same app and callbacks, with every read that uses the
rollups replaced by raw readings read with ``pandas.read_sql`` and aggregated with
pandas ``groupby`` (what a dashboard without rollups would do).

    gunicorn 'bench._raw_app:create()'

Replaced (same arguments, same frames or dicts back, so the callbacks and figures are
untouched): ``store.queries.series`` (every chart), ``store.kpis._daily_trend`` (the
overview's 7-day sparklines), ``store.air._means`` (the hourly AQI of every station),
``store.queries.series_many`` (the environment page's charts in one query) and
``store.live.trends`` (the sensor grid's one-hour trends). Latest values, sensors
and alerts are read as before: they never came from rollups.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, bindparam, text

from store import air, aqi, kpis, live, queries
from store.queries import VN_OFFSET_MS, auto_step_s
from store.rollups import HOUR_MS, MINUTE_MS
from store.writes import now_ms

DAY_MS = 86_400_000


def _read(engine: Engine, sql: str, **params: object) -> pd.DataFrame:
    stmt = text(sql)
    for name, value in params.items():
        if isinstance(value, list):
            stmt = stmt.bindparams(bindparam(name, expanding=True))
    with engine.connect() as conn:
        return pd.read_sql(stmt, conn, params=params)


def series(
    engine: Engine,
    sensor_id: str,
    metric: str,
    start_ms: int,
    end_ms: int,
    step_s: int | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    step = auto_step_s(start_ms, end_ms) if step_s is None else int(step_s)
    df = _read(
        engine,
        "SELECT ts, value FROM readings WHERE sensor_id = :s AND metric = :m "
        "AND ts >= :a AND ts < :b",
        s=sensor_id,
        m=metric,
        a=start_ms,
        b=end_ms,
    )
    step_ms = step * 1000
    df["b"] = df["ts"] - (df["ts"] + VN_OFFSET_MS) % step_ms
    out = df.groupby("b")["value"].agg(["mean", "min", "max", "count"])
    return out.reset_index().rename(columns={"b": "ts"})[
        ["ts", "mean", "min", "max", "count"]
    ]


def daily_trend(
    engine: Engine, kind: str, metric: str, at_ms: int, days: int
) -> pd.DataFrame:
    df = _read(
        engine,
        "SELECT r.ts, r.value FROM readings r JOIN sensors s ON s.id = r.sensor_id "
        "WHERE s.kind = :k AND r.metric = :m AND r.ts >= :a AND r.ts < :b",
        k=kind,
        m=metric,
        a=at_ms - days * DAY_MS,
        b=at_ms,
    )
    df["d"] = df["ts"] - (df["ts"] + VN_OFFSET_MS) % DAY_MS
    out = df.groupby("d")["value"].mean().reset_index()
    return out.rename(columns={"d": "ts"})[["ts", "value"]]


def means(
    engine: Engine,
    hour: int,
    station_id: str | None,
    hours: int = air.HOURS,
    station_ids: list[str] | None = None,
) -> dict[str, dict[str, list[float | None]]]:
    first = hour - (hours - 1) * HOUR_MS
    sql = (
        "SELECT r.sensor_id, r.metric, r.ts, r.value FROM readings r "
        "JOIN sensors s ON s.id = r.sensor_id WHERE s.kind = :k "
        "AND r.metric IN :p AND r.ts >= :a AND r.ts < :b"
    )
    params: dict = {
        "k": air.AIR_KIND,
        "p": list(aqi.POLLUTANTS),
        "a": first,
        "b": hour + HOUR_MS,
    }
    if station_id is not None:
        sql += " AND r.sensor_id = :sid"
        params["sid"] = station_id
    if station_ids is not None:
        sql += " AND r.sensor_id IN :sids"
        params["sids"] = sorted(station_ids)
    df = _read(engine, sql, **params)
    df["bucket"] = df["ts"] - df["ts"] % HOUR_MS
    grouped = df.groupby(["sensor_id", "metric", "bucket"])["value"].mean()
    out: dict[str, dict[str, list[float | None]]] = {}
    for (sensor_id, metric, bucket), value in grouped.items():
        position = (hour - int(bucket)) // HOUR_MS
        s = out.setdefault(sensor_id, {}).setdefault(metric, [None] * hours)
        s[position] = float(value)
    return out


def series_many(
    engine: Engine,
    sensor_ids: list[str],
    metrics: list[str],
    start_ms: int,
    end_ms: int,
    step_s: int,
) -> pd.DataFrame:
    columns = queries.SERIES_MANY_COLUMNS
    if not sensor_ids or not metrics:
        return pd.DataFrame(columns=columns)
    df = _read(
        engine,
        "SELECT sensor_id, metric, ts, value FROM readings WHERE sensor_id IN :s "
        "AND metric IN :m AND ts >= :a AND ts < :b",
        s=sorted(sensor_ids),
        m=sorted(metrics),
        a=start_ms,
        b=end_ms,
    )
    step_ms = int(step_s) * 1000
    df["b"] = df["ts"] - (df["ts"] + VN_OFFSET_MS) % step_ms
    out = df.groupby(["sensor_id", "metric", "b"])["value"].agg(
        ["mean", "min", "max", "count"]
    )
    return out.reset_index().rename(columns={"b": "ts"})[columns]


def trends(
    engine: Engine,
    pairs: list[tuple[str, str]],
    at_ms: int | None = None,
    minutes: int = live.TREND_MINUTES,
    step_minutes: int = 1,
) -> pd.DataFrame:
    at = now_ms() if at_ms is None else at_ms
    start = at - at % MINUTE_MS - (minutes - 1) * MINUTE_MS
    step = max(1, int(step_minutes)) * MINUTE_MS
    columns = ["sensor_id", "metric", "bucket", "mean"]
    wanted = set(pairs)
    if not wanted:
        return pd.DataFrame(columns=columns)
    df = _read(
        engine,
        "SELECT sensor_id, metric, ts, value FROM readings WHERE sensor_id IN :s "
        "AND metric IN :m AND ts >= :a AND ts <= :b",
        s=sorted({s for s, _m in wanted}),
        m=sorted({m for _s, m in wanted}),
        a=start,
        b=at,
    )
    keep = [(s, m) in wanted for s, m in zip(df["sensor_id"], df["metric"])]
    df = df[keep]
    minute = df["ts"] - df["ts"] % MINUTE_MS
    df = df.assign(bucket=minute - (minute - start) % step)
    out = df.groupby(["sensor_id", "metric", "bucket"])["value"].mean()
    return out.reset_index().rename(columns={"value": "mean"})[columns]


def create():  # noqa: ANN201 - a Flask app
    """The app with the raw reads in place (a factory, so that importing this module,
    as the bench runner does, changes nothing)."""
    queries.series = series
    kpis._daily_trend = daily_trend
    air._means = means
    queries.series_many = series_many
    live.trends = trends
    from app import server

    return server
