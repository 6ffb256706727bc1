"""Headline KPIs of the six smart domains, computed from the store by one provider
per domain (``PROVIDERS``: domain -> provider).

A provider says what its figure is (metric, unit, decimals, the period it covers,
target, which direction is better) and measures it: the value, how many sources it is
made of and a trend frame (columns ts, value). A sensor mean, a share of reports
closed in a week, an on-time rate or a figure entered monthly all fit that shape; the
overview's tiles read everything they show from the Kpi, nothing by metric name.

A domain without a provider has no KPI (None): the overview says so instead of
showing a made-up number (economy and governance, until their sources connect).
Targets and their sources:
- environment: PM2.5 ≤ 50 µg/m³, the 24-hour limit of QCVN 05:2023/BTNMT;
- living: noise LAeq ≤ 70 dBA by day (6-21 h) and ≤ 55 dBA at night, QCVN 26:2010/BTNMT;
- mobility: mean speed at the counted junctions ≥ 25 km/h (the province's congestion
  mark);
- citizens: ≥ 80 % of the last 7 days' reports handled (closed).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine, and_, case, func, select

from catalogue import DOMAINS
from store.metrics import METRICS
from store.queries import VN_OFFSET_MS, freshness, latest_with_sensors
from store.rollups import HOUR_MS
from store.schema import CitizenReport, LatestValue, Rollup1h, Sensor
from store.writes import now_ms

DAY_MS = 86_400_000
# What a KPI's value covers: the latest values, a (Vietnam) day, the last 7 days, a
# month, a quarter.
PERIODS = ("now", "day", "7d", "month", "quarter")
TREND_COLUMNS = ["ts", "value"]


@dataclass
class Kpi:
    domain: str
    metric: str  # what the value is (a metric name or "reports_closed")
    value: float | None  # None: no fresh data
    unit: str  # a unit as store.metrics writes it ("µg/m3", "%"); "" for a count
    decimals: int  # digits the value is shown with
    target: float
    better: str  # the direction: "lower" or "higher" is better
    period: str  # one of PERIODS
    status: str  # good / warn / bad / nodata
    sources: int = 0  # how many sources (sensors, reports) the value is made of
    trend: pd.DataFrame = field(  # columns TREND_COLUMNS, oldest first
        default_factory=lambda: pd.DataFrame(columns=TREND_COLUMNS)
    )


@dataclass(frozen=True)
class Measure:
    """What a provider measured: the value (None: nothing fresh), its sources and the
    trend (empty when not asked for)."""

    value: float | None
    sources: int
    trend: pd.DataFrame


@dataclass(frozen=True)
class KpiProvider:
    """A domain's headline figure. Subclasses implement ``measure`` (and
    ``target_at`` when the target moves with the clock)."""

    domain: str
    metric: str
    unit: str
    decimals: int
    target: float
    better: str  # "lower" or "higher"
    period: str

    def __post_init__(self) -> None:
        if self.better not in ("lower", "higher"):
            raise ValueError(f"{self.domain}: better must be lower or higher")
        if self.period not in PERIODS:
            raise ValueError(f"{self.domain}: period {self.period!r} not in {PERIODS}")

    def target_at(self, at_ms: int) -> float:
        return self.target

    def measure(self, engine: Engine, at_ms: int, with_trend: bool) -> Measure:
        raise NotImplementedError

    def over(
        self,
        engine: Engine,
        start_ms: int,
        end_ms: int,
        areas: Collection[str] | None = None,
    ) -> Measure:
        """The figure over ``[start_ms, end_ms)`` (a report's period), in ``areas``
        (None: everywhere), with its trend by Vietnam day: the same arithmetic as
        the overview tile's trend, so a report's day equals the tile's point for
        that day."""
        raise NotImplementedError

    def kpi(
        self, engine: Engine, at_ms: int | None = None, with_trend: bool = True
    ) -> Kpi:
        """The KPI at ``at_ms`` (now); ``with_trend=False`` leaves the trend empty (the
        overview's ticks redraw only the values, and the trend is the costly part)."""
        at = now_ms() if at_ms is None else at_ms
        m = self.measure(engine, at, with_trend)
        target = self.target_at(at)
        return Kpi(
            domain=self.domain,
            metric=self.metric,
            value=m.value,
            unit=self.unit,
            decimals=self.decimals,
            target=target,
            better=self.better,
            period=self.period,
            status=status_of(m.value, target, self.better),
            sources=m.sources,
            trend=m.trend,
        )


def status_of(value: float | None, target: float, better: str) -> str:
    """good when the target is met, warn within 20 % of it, bad beyond."""
    from store import levels  # the shared threshold function (store/levels.py)

    if value is None:
        return "nodata"
    limits = levels.target_limits(target, better)
    name, _limit = levels.grade(value, limits, inclusive=False)
    return {levels.ALARM: "bad", levels.WARN: "warn"}.get(name, "good")


# How far back inside a limit a value must come before its tile shows the better
# status (a share of the target): a value hovering at the target does not flip the
# tile's colour at every tick; getting worse shows at once.
STEADY_BAND = 0.05
_RANK = {"good": 0, "warn": 1, "bad": 2}


def steady_status(
    value: float | None,
    target: float,
    better: str,
    previous: str | None,
    band: float = STEADY_BAND,
) -> str:
    """``status_of`` with hysteresis: from ``previous`` (what the tile shows) a
    better status needs the value ``band`` x |target| inside its limit."""
    now = status_of(value, target, better)
    if now not in _RANK or previous not in _RANK or _RANK[now] >= _RANK[previous]:
        return now
    margin = band * abs(target)
    shifted = status_of(
        value + margin if better == "lower" else value - margin, target, better
    )
    held = min(_RANK[shifted], _RANK[previous])
    return next(k for k, r in _RANK.items() if r == max(_RANK[now], held))


def _is_night(at_ms: int) -> bool:
    hour = ((at_ms + VN_OFFSET_MS) % DAY_MS) / HOUR_MS
    return hour < 6 or hour >= 21


@dataclass(frozen=True)
class SensorMean(KpiProvider):
    """The mean of the fresh latest values of a sensor kind's metric, now; its trend
    the daily means of the last ``days`` days (hourly rollup). ``night_target``:
    the target from 21:00 to 6:00 Vietnam time."""

    kind: str = ""
    night_target: float | None = None
    days: int = 7

    def target_at(self, at_ms: int) -> float:
        if self.night_target is not None and _is_night(at_ms):
            return self.night_target
        return self.target

    def measure(self, engine: Engine, at_ms: int, with_trend: bool) -> Measure:
        lv = LatestValue.__table__.c
        s = Sensor.__table__.c
        stmt = (
            select(lv.value, lv.ts, s.period_s)
            .join(Sensor.__table__, s.id == lv.sensor_id)
            .where(and_(s.kind == self.kind, lv.metric == self.metric))
        )
        with engine.connect() as conn:
            rows = conn.execute(stmt).all()
        fresh = [v for v, ts, period in rows if freshness(ts, period, at_ms) == "ok"]
        return Measure(
            sum(fresh) / len(fresh) if fresh else None,
            len(fresh),
            _daily_trend(engine, self.kind, self.metric, at_ms, self.days)
            if with_trend
            else pd.DataFrame(columns=TREND_COLUMNS),
        )

    def over(
        self,
        engine: Engine,
        start_ms: int,
        end_ms: int,
        areas: Collection[str] | None = None,
    ) -> Measure:
        r = Rollup1h.__table__.c
        s = Sensor.__table__.c
        where = [
            s.kind == self.kind,
            r.metric == self.metric,
            r.bucket >= start_ms,
            r.bucket < end_ms,
        ]
        if areas is not None:
            where.append(s.area.in_(sorted(areas)))
        stmt = (
            select(func.sum(r.sum), func.sum(r.count), func.count(func.distinct(s.id)))
            .select_from(Rollup1h.__table__.join(Sensor.__table__, s.id == r.sensor_id))
            .where(and_(*where))
        )
        with engine.connect() as conn:
            total, count, sensors = conn.execute(stmt).one()
        value = float(total) / float(count) if count else None
        trend = daily_means(engine, self.kind, self.metric, start_ms, end_ms, areas)
        return Measure(value, int(sensors or 0), trend)


def sensor_mean(
    domain: str,
    kind: str,
    metric: str,
    target: float,
    better: str,
    night_target: float | None = None,
    decimals: int = 1,
) -> SensorMean:
    """A SensorMean in the metric's own unit (store.metrics)."""
    return SensorMean(
        domain=domain,
        metric=metric,
        unit=METRICS[metric].unit,
        decimals=decimals,
        target=target,
        better=better,
        period="now",
        kind=kind,
        night_target=night_target,
    )


@dataclass(frozen=True)
class ReportsClosed(KpiProvider):
    """Share of the last ``days`` days' citizens' reports that are closed, in %; its
    trend the share of each day's reports."""

    days: int = 7

    def measure(self, engine: Engine, at_ms: int, with_trend: bool) -> Measure:
        c = CitizenReport.__table__.c
        start = at_ms - self.days * DAY_MS
        closed = func.sum(case((c.status == "closed", 1), else_=0))
        window = and_(c.requested_ms >= start, c.requested_ms <= at_ms)
        if not with_trend:  # the value alone: one row, no grouping
            with engine.connect() as conn:
                total, done = conn.execute(
                    select(func.count(), closed).where(window)
                ).one()
            done = float(done or 0)
            value = 100.0 * done / total if total else None
            return Measure(value, total, pd.DataFrame(columns=TREND_COLUMNS))
        return _closed_by_day(engine, window)

    def over(
        self,
        engine: Engine,
        start_ms: int,
        end_ms: int,
        areas: Collection[str] | None = None,
    ) -> Measure:
        """Share of the reports filed in the period that are closed."""
        c = CitizenReport.__table__.c
        where = [c.requested_ms >= start_ms, c.requested_ms < end_ms]
        if areas is not None:
            where.append(c.area.in_(sorted(areas)))
        return _closed_by_day(engine, and_(*where))


def _closed_by_day(engine: Engine, where: object) -> Measure:
    """The share of the reports ``where`` selects that are closed, in %, and the
    share of each (Vietnam) day's reports as the trend."""
    c = CitizenReport.__table__.c
    closed = func.sum(case((c.status == "closed", 1), else_=0))
    day = (c.requested_ms - (c.requested_ms + VN_OFFSET_MS) % DAY_MS).label("d")
    stmt = select(day, func.count(), closed).where(where).group_by(day).order_by(day)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    total = sum(r[1] for r in rows)
    done = sum(float(r[2] or 0) for r in rows)
    trend = pd.DataFrame(
        [(r[0], 100.0 * float(r[2] or 0) / r[1]) for r in rows],
        columns=TREND_COLUMNS,
    )
    return Measure(100.0 * done / total if total else None, total, trend)


PROVIDERS: dict[str, KpiProvider] = {}


def register(provider: KpiProvider) -> KpiProvider:
    """Make ``provider`` its domain's KPI (one per domain, of DOMAINS)."""
    if provider.domain not in DOMAINS:
        raise ValueError(f"{provider.domain!r} is no domain of {DOMAINS}")
    if provider.domain in PROVIDERS:
        raise ValueError(f"{provider.domain!r} has a KPI provider already")
    PROVIDERS[provider.domain] = provider
    return provider


register(sensor_mean("environment", "air", "pm25", 50.0, "lower"))
register(sensor_mean("living", "noise", "laeq", 70.0, "lower", night_target=55.0))
register(sensor_mean("mobility", "traffic", "avg_speed", 25.0, "higher"))
register(
    ReportsClosed(
        domain="citizens",
        metric="reports_closed",
        unit="%",
        decimals=0,
        target=80.0,
        better="higher",
        period="7d",
    )
)


def kpi(
    engine: Engine, domain: str, at_ms: int | None = None, with_trend: bool = True
) -> Kpi | None:
    """``domain``'s KPI, None when it has no provider."""
    provider = PROVIDERS.get(domain)
    return None if provider is None else provider.kpi(engine, at_ms, with_trend)


def domain_kpis(
    engine: Engine,
    at_ms: int | None = None,
    with_trend: bool = True,
    providers: dict[str, KpiProvider] | None = None,
) -> dict[str, Kpi | None]:
    """Every domain's headline KPI (``providers``: PROVIDERS); None where no source is
    connected yet. ``with_trend=False``: the values without their trends."""
    at = now_ms() if at_ms is None else at_ms
    providers = PROVIDERS if providers is None else providers
    return {
        d: providers[d].kpi(engine, at, with_trend) if d in providers else None
        for d in DOMAINS
    }


def _daily_trend(
    engine: Engine, kind: str, metric: str, at_ms: int, days: int
) -> pd.DataFrame:
    """Daily means (Vietnam days) over all sensors of a kind, from the hourly rollup."""
    return daily_means(engine, kind, metric, at_ms - days * DAY_MS, at_ms)


def daily_means(
    engine: Engine,
    kind: str,
    metric: str,
    start_ms: int,
    end_ms: int,
    areas: Collection[str] | None = None,
) -> pd.DataFrame:
    """Daily means (Vietnam days; columns ts, value) of a kind's metric over the
    hourly buckets in ``[start_ms, end_ms)``, of the sensors in ``areas`` (None:
    all)."""
    r = Rollup1h.__table__.c
    s = Sensor.__table__.c
    day = (r.bucket - (r.bucket + VN_OFFSET_MS) % DAY_MS).label("d")
    where = [
        s.kind == kind,
        r.metric == metric,
        r.bucket >= start_ms,
        r.bucket < end_ms,
    ]
    if areas is not None:
        where.append(s.area.in_(sorted(areas)))
    stmt = (
        select(day, func.sum(r.sum) / func.sum(r.count))
        .select_from(Rollup1h.__table__.join(Sensor.__table__, s.id == r.sensor_id))
        .where(and_(*where))
        .group_by(day)
        .order_by(day)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame([tuple(x) for x in rows], columns=["ts", "value"])


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
