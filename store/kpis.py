"""Headline KPIs of the six smart domains, computed from the store.

A domain without a connected source has no KPI (None): the overview says so instead of
showing a made-up number. Targets and their sources:
- environment: PM2.5 ≤ 50 µg/m³, the 24-hour limit of QCVN 05:2023/BTNMT;
- living: noise LAeq ≤ 70 dBA by day (6-21 h) and ≤ 55 dBA at night, QCVN 26:2010/BTNMT;
- mobility: mean speed at the counted junctions ≥ 25 km/h (the province's congestion
mark);
- citizens: ≥ 80 % of the last 7 days' reports handled (closed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine, and_, case, func, select

from store.queries import VN_OFFSET_MS, freshness, latest_with_sensors
from store.rollups import HOUR_MS
from store.schema import CitizenReport, LatestValue, Rollup1h, Sensor
from store.writes import now_ms

DOMAINS = ("economy", "citizens", "governance", "mobility", "environment", "living")
DAY_MS = 86_400_000


@dataclass(frozen=True)
class SensorKpi:
    kind: str
    metric: str
    target: float
    better: str  # "lower" or "higher"
    night_target: float | None = None


SENSOR_KPIS = {
    "environment": SensorKpi("air", "pm25", 50.0, "lower"),
    "living": SensorKpi("noise", "laeq", 70.0, "lower", night_target=55.0),
    "mobility": SensorKpi("traffic", "avg_speed", 25.0, "higher"),
}
CITIZENS_TARGET = 80.0


@dataclass
class Kpi:
    domain: str
    metric: str  # what the value is (a metric name or "reports_closed")
    value: float | None  # None: no fresh data
    target: float
    better: str
    status: str  # good / warn / bad / nodata
    sensors: int = 0  # how many sources the value is made of
    trend: pd.DataFrame = field(default_factory=pd.DataFrame)  # columns: ts, value


def status_of(value: float | None, target: float, better: str) -> str:
    """good when the target is met, warn within 20 % of it, bad beyond."""
    from store import levels  # the shared threshold function (store/levels.py)

    if value is None:
        return "nodata"
    limits = levels.target_limits(target, better)
    name, _limit = levels.grade(value, limits, inclusive=False)
    return {levels.ALARM: "bad", levels.WARN: "warn"}.get(name, "good")


def _is_night(at_ms: int) -> bool:
    hour = ((at_ms + VN_OFFSET_MS) % DAY_MS) / HOUR_MS
    return hour < 6 or hour >= 21


def _daily_trend(
    engine: Engine, kind: str, metric: str, at_ms: int, days: int
) -> pd.DataFrame:
    """Daily means (Vietnam days) over all sensors of a kind, from the hourly rollup."""
    r = Rollup1h.__table__.c
    s = Sensor.__table__.c
    start = at_ms - days * DAY_MS
    day = (r.bucket - (r.bucket + VN_OFFSET_MS) % DAY_MS).label("d")
    stmt = (
        select(day, func.sum(r.sum) / func.sum(r.count))
        .select_from(Rollup1h.__table__.join(Sensor.__table__, s.id == r.sensor_id))
        .where(
            and_(
                s.kind == kind, r.metric == metric, r.bucket >= start, r.bucket < at_ms
            )
        )
        .group_by(day)
        .order_by(day)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame([tuple(x) for x in rows], columns=["ts", "value"])


def sensor_kpi(
    engine: Engine,
    domain: str,
    at_ms: int | None = None,
    days: int = 7,
    with_trend: bool = True,
) -> Kpi:
    """The domain's KPI now; ``with_trend=False`` leaves the trend empty (the
    overview's ticks redraw only the values, and the trend is its costly part)."""
    spec = SENSOR_KPIS[domain]
    at = now_ms() if at_ms is None else at_ms
    lv = LatestValue.__table__.c
    s = Sensor.__table__.c
    stmt = (
        select(lv.value, lv.ts, s.period_s)
        .join(Sensor.__table__, s.id == lv.sensor_id)
        .where(and_(s.kind == spec.kind, lv.metric == spec.metric))
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    fresh = [v for v, ts, period in rows if freshness(ts, period, at) == "ok"]
    value = sum(fresh) / len(fresh) if fresh else None
    target = spec.night_target if spec.night_target and _is_night(at) else spec.target
    return Kpi(
        domain,
        spec.metric,
        value,
        target,
        spec.better,
        status_of(value, target, spec.better),
        len(fresh),
        _daily_trend(engine, spec.kind, spec.metric, at, days)
        if with_trend
        else pd.DataFrame(columns=["ts", "value"]),
    )


def citizens_kpi(engine: Engine, at_ms: int | None = None, days: int = 7) -> Kpi:
    """Share of the last ``days`` days' citizens' reports that are closed, in %."""
    at = now_ms() if at_ms is None else at_ms
    c = CitizenReport.__table__.c
    start = at - days * DAY_MS
    day = (c.requested_ms - (c.requested_ms + VN_OFFSET_MS) % DAY_MS).label("d")
    closed = func.sum(case((c.status == "closed", 1), else_=0))
    stmt = (
        select(day, func.count(), closed)
        .where(and_(c.requested_ms >= start, c.requested_ms <= at))
        .group_by(day)
        .order_by(day)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    total = sum(r[1] for r in rows)
    done = sum(float(r[2] or 0) for r in rows)
    value = 100.0 * done / total if total else None
    trend = pd.DataFrame(
        [(r[0], 100.0 * float(r[2] or 0) / r[1]) for r in rows], columns=["ts", "value"]
    )
    return Kpi(
        "citizens",
        "reports_closed",
        value,
        CITIZENS_TARGET,
        "higher",
        status_of(value, CITIZENS_TARGET, "higher"),
        total,
        trend,
    )


def domain_kpis(
    engine: Engine, at_ms: int | None = None, with_trend: bool = True
) -> dict[str, Kpi | None]:
    """Every domain's headline KPI; None where no source is connected yet.
    ``with_trend=False``: sensor KPIs without their 7-day trend (see sensor_kpi)."""
    at = now_ms() if at_ms is None else at_ms
    out: dict[str, Kpi | None] = {d: None for d in DOMAINS}
    for domain in SENSOR_KPIS:
        out[domain] = sensor_kpi(engine, domain, at, with_trend=with_trend)
    out["citizens"] = citizens_kpi(engine, at)
    return out


EXCEEDANCE_COLUMNS = [
    "sensor_id",
    "name",
    "name_en",
    "kind",
    "area",
    "metric",
    "value",
    "ts",
    "level",
    "limit",
]


def exceedances(engine: Engine, at_ms: int | None = None) -> pd.DataFrame:
    """Fresh latest values beyond their sensor's warn/alarm thresholds, worst first.
    Columns: EXCEEDANCE_COLUMNS; level is 'alarm' or 'warn'."""
    at = now_ms() if at_ms is None else at_ms
    df = latest_with_sensors(engine, limit=5000, at_ms=at)
    if df.empty:
        return pd.DataFrame(columns=EXCEEDANCE_COLUMNS)
    s = Sensor.__table__.c
    with engine.connect() as conn:
        thresholds = dict(conn.execute(select(s.id, s.thresholds)).all())
    rows = []
    for r in df.itertuples():
        if r.state != "ok":
            continue
        th = (thresholds.get(r.sensor_id) or {}).get(r.metric) or {}
        for level in ("alarm", "warn"):
            high, low = th.get(level), th.get(f"low_{level}")
            if high is not None and r.value >= high:
                rows.append((*_cols(r), level, high))
                break
            if low is not None and r.value <= low:
                rows.append((*_cols(r), level, low))
                break
    out = pd.DataFrame(rows, columns=EXCEEDANCE_COLUMNS)
    if not out.empty:
        out["rank"] = (out["level"] == "alarm").astype(int)
        out = out.sort_values(["rank", "ts"], ascending=False).drop(columns="rank")
    return out.reset_index(drop=True)


def _cols(r) -> tuple:  # noqa: ANN001 - a frame row
    return (r.sensor_id, r.name, r.name_en, r.kind, r.area, r.metric, r.value, r.ts)
