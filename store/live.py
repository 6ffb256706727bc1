"""Reads for the live sensor panel: sensors with their newest values, freshness and
threshold state, bounded by the sensors asked for, and the last hour's minute trend.

The panel refreshes the rows a browser shows: it names those sensors (at most
``TICK_MAX``) with the version it holds, and gets back only what changed. A version is
the sum of the sensor's latest timestamps, so any new reading of any metric changes it,
late ones included (a "since the last tick" cursor would miss a reading that arrives
after the tick with an older timestamp)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import pandas as pd
from sqlalchemy import Engine, func, select

from store import levels
from store.queries import freshness
from store.rollups import MINUTE_MS
from store.schema import LatestValue, Rollup1m, Sensor
from store.writes import now_ms

PANEL_MAX = 5_000  # sensors in one full load of the panel
TICK_MAX = 200  # sensors refreshed by one tick (the rows on screen and a buffer)
CHUNK = 500  # ids per IN list
TREND_MINUTES = 60
TREND_STEP_MINUTES = 3  # 20 buckets an hour: one sparkline character each
LEVELS = ("ok", "warning", "alarm")

PANEL_COLUMNS = [
    "id",
    "kind",
    "name",
    "name_en",
    "area",
    "region",
    "period_s",
    "metrics",
    "thresholds",
    "last_seen_ms",
    "freshness",
    "level",
    "state",
    "ver",
]


def _chunks(ids: Sequence[str]) -> list[list[str]]:
    return [list(ids[i : i + CHUNK]) for i in range(0, len(ids), CHUNK)]


def level(value: float | None, limits: dict | None) -> str:
    """'alarm', 'warning' or 'ok' for one value against {warn, alarm, low_warn,
    low_alarm} (each optional)."""
    if value is None or not isinstance(limits, dict) or value != value:  # NaN
        return "ok"
    name, _limit = levels.grade(value, limits)
    return {levels.ALARM: "alarm", levels.WARN: "warning"}.get(name, "ok")


def panel_state(fresh: str, lvl: str) -> str:
    """What a row shows: a sensor that is not fresh says so (its values are old);
    a fresh one shows its worst threshold level."""
    return lvl if fresh == "ok" else fresh


def _latest_rows(engine: Engine, sensor_ids: Sequence[str]) -> list[tuple]:
    t = LatestValue.__table__.c
    rows: list[tuple] = []
    with engine.connect() as conn:
        for chunk in _chunks(list(sensor_ids)[:PANEL_MAX]):
            stmt = (
                select(t.sensor_id, t.metric, t.ts, t.value)
                .where(t.sensor_id.in_(chunk))
                .order_by(t.sensor_id, t.metric)
            )
            rows += [tuple(r) for r in conn.execute(stmt).all()]
    return rows


def latest_for(engine: Engine, sensor_ids: Sequence[str]) -> pd.DataFrame:
    """Newest value per metric of the given sensors, ordered by sensor and metric.
    Columns: sensor_id, metric, ts, value."""
    return pd.DataFrame(
        _latest_rows(engine, sensor_ids), columns=["sensor_id", "metric", "ts", "value"]
    )


def panel(
    engine: Engine,
    kind: str | None = None,
    region: str | None = None,
    ids: Sequence[str] | None = None,
    at_ms: int | None = None,
    limit: int = PANEL_MAX,
    areas: Collection[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The panel's sensors (PANEL_COLUMNS, ordered by id) and their latest values
    (as ``latest_for``). ``ids`` narrows to those sensors (a tick); without it the
    filters choose (a full load). ``level`` is the worst threshold level of the
    latest values, ``state`` what the row shows (ok / warning / alarm / stale /
    offline / never). ``areas``: only sensors in these areas (None: all) - what
    an area-scoped staff member may read."""
    at = now_ms() if at_ms is None else at_ms
    s = Sensor.__table__.c
    cols = [
        s.id,
        s.kind,
        s.name,
        s.name_en,
        s.area,
        s.region,
        s.period_s,
        s.metrics,
        s.thresholds,
        s.last_seen_ms,
    ]
    stmt = select(*cols).order_by(s.id)
    if kind:
        stmt = stmt.where(s.kind == kind)
    if region:
        stmt = stmt.where(s.region == region)
    if areas is not None:
        stmt = stmt.where(s.area.in_(sorted(areas)))
    rows: list[tuple] = []
    with engine.connect() as conn:
        if ids is None:
            rows = [tuple(r) for r in conn.execute(stmt.limit(limit)).all()]
        else:
            for chunk in _chunks(list(dict.fromkeys(ids))[:limit]):
                rows += [tuple(r) for r in conn.execute(stmt.where(s.id.in_(chunk)))]
    # Plain loops over the rows, one frame at the end: this runs every second.
    latest_rows = _latest_rows(engine, [r[0] for r in rows]) if rows else []
    limits = {r[0]: r[8] if isinstance(r[8], dict) else {} for r in rows}
    ver: dict[str, int] = {}
    levels: dict[str, str] = {}
    for sid, metric, ts, value in latest_rows:
        ver[sid] = ver.get(sid, 0) + int(ts)
        lvl = level(value, limits.get(sid, {}).get(metric))
        levels[sid] = max(levels.get(sid, "ok"), lvl, key=LEVELS.index)
    out = []
    for r in rows:
        seen = None if r[9] is None else int(r[9])
        fresh = freshness(seen, r[6], at)
        lvl = levels.get(r[0], "ok")
        out.append(
            (*r[:9], seen, fresh, lvl, panel_state(fresh, lvl), ver.get(r[0], 0))
        )
    df = pd.DataFrame(out, columns=PANEL_COLUMNS)
    df["last_seen_ms"] = df["last_seen_ms"].astype("Int64")
    latest = pd.DataFrame(latest_rows, columns=["sensor_id", "metric", "ts", "value"])
    return df[PANEL_COLUMNS], latest


def trends(
    engine: Engine,
    pairs: Sequence[tuple[str, str]],
    at_ms: int | None = None,
    minutes: int = TREND_MINUTES,
    step_minutes: int = 1,
) -> pd.DataFrame:
    """Means of the last ``minutes`` in buckets of ``step_minutes`` for (sensor,
    metric) pairs, from the minute rollups. Columns: sensor_id, metric, bucket, mean.
    Sensor and metric IN lists walk the primary key to one range per pair; other
    metrics of those sensors are dropped."""
    at = now_ms() if at_ms is None else at_ms
    start = at - at % MINUTE_MS - (minutes - 1) * MINUTE_MS
    step = max(1, int(step_minutes)) * MINUTE_MS
    wanted = set(pairs)
    columns = ["sensor_id", "metric", "bucket", "mean"]
    if not wanted:
        return pd.DataFrame(columns=columns)
    t = Rollup1m.__table__.c
    metrics = sorted({m for _s, m in wanted})
    bucket = (t.bucket - (t.bucket - start) % step).label("b")
    rows: list[tuple] = []
    with engine.connect() as conn:
        for chunk in _chunks(sorted({s for s, _m in wanted})):
            stmt = (
                select(
                    t.sensor_id, t.metric, bucket, func.sum(t.sum), func.sum(t.count)
                )
                .where(
                    t.sensor_id.in_(chunk),
                    t.metric.in_(metrics),
                    t.bucket >= start,
                    t.bucket <= at,
                )
                .group_by(t.sensor_id, t.metric, bucket)
                .order_by(t.sensor_id, t.metric, bucket)
            )
            rows += [
                (r[0], r[1], r[2], r[3] / r[4])
                for r in conn.execute(stmt).all()
                if r[4] and (r[0], r[1]) in wanted
            ]
    return pd.DataFrame(rows, columns=columns)


BARS = "▁▂▃▄▅▆▇█"


def sparkline_text(values: Sequence[float], width: int = 20) -> str:
    """A unicode sparkline of at most ``width`` characters (the values averaged into
    that many groups, oldest first); '' when there is nothing to draw."""
    vals = [float(v) for v in values if v is not None and not pd.isna(v)]
    if not vals:
        return ""
    if len(vals) > width:
        step = len(vals) / width
        vals = [
            sum(g) / len(g)
            for g in (
                vals[int(i * step) : max(int((i + 1) * step), int(i * step) + 1)]
                for i in range(width)
            )
        ]
    lo, hi = min(vals), max(vals)
    if hi - lo < 1e-9:
        return BARS[3] * len(vals)
    return "".join(BARS[min(7, int((v - lo) / (hi - lo) * 8))] for v in vals)
