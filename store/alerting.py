"""The alert lifecycle: rules in the store raise one alert per episode, people
acknowledge it, it resolves when the condition clears, and an unacknowledged critical
alert escalates after its rule's time.

``evaluate`` is called by the ingest for the sensors a batch touched (so a spike raises
its alert within a second of being stored) and by the scheduler every few seconds for
everything (stale sensors, rates of change, escalation). Both may run at once: the
partial unique index on open episodes makes a second insert of the same episode a no-op.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine, and_, case, func, select, tuple_, update
from sqlalchemy.engine import Connection

import province
from store import frames, levels
from store.queries import freshness
from store.schema import Alert, AlertRule, LatestValue, Reading, Rollup1m, Sensor
from store.subjects import SENSOR, check_kind, names_of
from store.upsert import insert_for
from store.writes import now_ms

log = logging.getLogger(__name__)

SEVERITIES = ("info", "warning", "critical")
OPS = (">=", "<=")
STATES = ("open", "acknowledged", "resolved")
MAX_NAME = 100
MAX_NOTE = 1000


@dataclass(frozen=True)
class Rule:
    id: int
    kind: str
    domain: str | None
    sensor_kind: str | None
    sensor_id: str | None
    metric: str | None
    op: str
    threshold: float | None
    window_s: int
    clear_margin: float
    severity: str
    escalate_after_s: int
    min_duration_s: int = 0

    def watches(self, sensor_id: str, kind: str) -> bool:
        return (self.sensor_id is None or self.sensor_id == sensor_id) and (
            self.sensor_kind is None or self.sensor_kind == kind
        )


@dataclass(frozen=True)
class Verdict:
    """What one rule says of one sensor and metric now: 'fire' (with severity, the
    value and the limit it crossed), 'clear', or 'hold' (inside the hysteresis band,
    or no fresh data: keep whatever episode is open)."""

    status: str
    severity: str = ""
    value: float | None = None
    limit: float | None = None


HOLD = Verdict("hold")
CLEAR = Verdict("clear")


def _beyond(op: str, value: float, limit: float) -> bool:
    return value >= limit if op == ">=" else value <= limit


def _inside(op: str, value: float, limit: float, margin: float) -> bool:
    return value < limit - margin if op == ">=" else value > limit + margin


def judge_fixed(rule: Rule, value: float) -> Verdict:
    """A threshold rule with its own limit, or a rate rule given the change."""
    assert rule.threshold is not None
    if _beyond(rule.op, value, rule.threshold):
        return Verdict("fire", rule.severity, value, rule.threshold)
    if _inside(rule.op, value, rule.threshold, rule.clear_margin):
        return CLEAR
    return HOLD


def judge_sensor_levels(thresholds: dict, value: float, margin: float = 0.0) -> Verdict:
    """A value against a sensor's own levels {warn, alarm, low_warn, low_alarm}: alarm
    raises critical, warn raises warning; clear only once inside every warn level."""
    name, limit = levels.grade(value, thresholds)
    if limit is not None:
        severity = "critical" if name == levels.ALARM else "warning"
        return Verdict("fire", severity, value, float(limit))
    return CLEAR if levels.cleared(value, thresholds, margin) else HOLD


@dataclass
class EvalResult:
    raised: list[int] = field(default_factory=list)
    resolved: int = 0
    updated: int = 0
    escalated: int = 0


def load_rules(conn: Connection) -> list[Rule]:
    r = AlertRule.__table__.c
    rows = conn.execute(
        select(
            r.id,
            r.kind,
            r.domain,
            r.sensor_kind,
            r.sensor_id,
            r.metric,
            r.op,
            r.threshold,
            r.window_s,
            r.clear_margin,
            r.severity,
            r.escalate_after_s,
            r.min_duration_s,
        ).where(r.enabled.is_(True))
    ).all()
    return [Rule(*row) for row in rows]


# An episode's key: rule id, subject kind, subject id, metric ('' when none).
Key = tuple[int, str, str, str]


@dataclass
class Subjects:
    """The subjects of one kind an evaluation looks at, read once for all its rules:
    ``by_id`` each subject's fields; ``shared`` what that kind's judges share (for
    sensors: the latest value of each (sensor, metric))."""

    by_id: dict[str, dict]
    shared: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SubjectSource:
    """How an evaluation reads the subjects of a kind (``load(conn, pairs)``, where
    ``pairs`` is what a batch touched or None for everything) and where a subject
    lies (``place(subject)`` -> (domain, area); the domain is used when the rule
    names none)."""

    load: Callable[[Connection, set[tuple[str, str]] | None], Subjects]
    place: Callable[[dict], tuple[str, str]]


@dataclass(frozen=True)
class Judge:
    """A rule kind: which subjects it judges, and ``judge(conn, rule, subjects, at)``
    -> {(subject id, metric): Verdict}. ``extreme_since(conn, subject id, metric,
    since_ms, low)`` adds the readings between two evaluations to an episode's peak;
    ``low_side`` False: its episodes are never about a value too low."""

    subject_kind: str
    judge: Callable[[Connection, Rule, Subjects, int], dict[tuple[str, str], Verdict]]
    extreme_since: Callable[[Connection, str, str, int, bool], list[float]] | None = (
        None
    )
    low_side: bool = True


def evaluate(
    engine: Engine,
    at_ms: int | None = None,
    pairs: Iterable[tuple[str, str]] | None = None,
) -> EvalResult:
    """Judge the enabled rules and move episodes on, in one transaction.

    ``pairs`` (sensor_id, metric) limits the work to what a batch touched: only
    rules about sensors run, stale rules then only clear (the sensor just spoke),
    and nothing not named is resolved.
    """
    at = now_ms() if at_ms is None else at_ms
    touched = None if pairs is None else set(pairs)
    result = EvalResult()
    with engine.begin() as conn:
        rules = load_rules(conn)
        loaded: dict[str, Subjects] = {}
        verdicts: dict[Key, Verdict] = {}
        for rule in rules:
            judge = JUDGES.get(rule.kind)
            if judge is None:
                _unknown_kind(rule)
                continue
            kind = judge.subject_kind
            if touched is not None and kind != SENSOR:
                continue
            if kind not in loaded:
                loaded[kind] = SUBJECT_SOURCES[kind].load(conn, touched)
            for (sid, metric), v in judge.judge(conn, rule, loaded[kind], at).items():
                verdicts[(rule.id, kind, sid, metric)] = v
        _apply(conn, rules, verdicts, loaded, at, result)
        if touched is None:
            result.escalated = _escalate(conn, rules, at)
    if result.raised:
        log.info("raised %d alert(s): %s", len(result.raised), result.raised)
    return result


_WARNED: set[int] = set()


def _unknown_kind(rule: Rule) -> None:
    if rule.id not in _WARNED:  # once per process, not every few seconds
        _WARNED.add(rule.id)
        log.warning("rule %s has kind %r, which no judge knows", rule.id, rule.kind)


# -- sensors: the first kind of subject ------------------------------------------------


def _load_sensors(conn: Connection, pairs: set[tuple[str, str]] | None) -> Subjects:
    sensors = _sensors(conn, None if pairs is None else {s for s, _ in pairs})
    return Subjects(sensors, {"latest": _latest(conn, pairs)})


def _sensor_place(s: dict) -> tuple[str, str]:
    return province.kind_domain(s.get("kind")), s.get("area", "")


def _sensors(conn: Connection, ids: set[str] | None) -> dict[str, dict]:
    s = Sensor.__table__.c
    stmt = select(
        s.id, s.kind, s.area, s.period_s, s.last_seen_ms, s.thresholds, s.synthetic
    )
    if ids is not None:
        if not ids:
            return {}
        stmt = stmt.where(s.id.in_(ids))
    return {row.id: row._asdict() for row in conn.execute(stmt)}


def _latest(
    conn: Connection, pairs: set[tuple[str, str]] | None
) -> dict[tuple[str, str], tuple[int, float]]:
    lv = LatestValue.__table__.c
    stmt = select(lv.sensor_id, lv.metric, lv.ts, lv.value)
    if pairs is not None:
        if not pairs:
            return {}
        stmt = stmt.where(tuple_(lv.sensor_id, lv.metric).in_(list(pairs)))
    return {(r.sensor_id, r.metric): (r.ts, r.value) for r in conn.execute(stmt)}


def _judge_stale(
    _conn: Connection, rule: Rule, subjects: Subjects, at: int
) -> dict[tuple[str, str], Verdict]:
    """The sensor has sent nothing for 3 x its period."""
    out: dict[tuple[str, str], Verdict] = {}
    for sid, s in subjects.by_id.items():
        if s["synthetic"] or not rule.watches(sid, s["kind"]):
            continue
        state = freshness(s["last_seen_ms"], s["period_s"], at)
        if state in ("stale", "offline"):
            age_s = (at - s["last_seen_ms"]) / 1000
            limit = 3 * s["period_s"]
            out[(sid, "")] = Verdict("fire", rule.severity, age_s, limit)
        elif state == "ok":
            out[(sid, "")] = CLEAR
    return out


def _watched_values(
    rule: Rule, subjects: Subjects, at: int, out: dict[tuple[str, str], Verdict]
) -> list[tuple[str, str, int, float]]:
    """The fresh (sensor, metric, ts, value) a rule watches; an old value neither
    raises nor clears (HOLD in ``out``)."""
    sensors, fresh = subjects.by_id, []
    for (sid, metric), (ts, value) in subjects.shared["latest"].items():
        s = sensors.get(sid)
        if s is None or not rule.watches(sid, s["kind"]):
            continue
        if rule.metric is not None and rule.metric != metric:
            continue
        if freshness(s["last_seen_ms"], s["period_s"], at) != "ok":
            out[(sid, metric)] = HOLD
        else:
            fresh.append((sid, metric, ts, value))
    return fresh


def _judge_threshold(
    conn: Connection, rule: Rule, subjects: Subjects, at: int
) -> dict[tuple[str, str], Verdict]:
    """``metric`` against the rule's threshold, or (threshold NULL) against each
    sensor's own levels. With ``min_duration_s`` the readings of that long before
    the newest are judged together (``judge_window``): a limit crossed by all of
    them raises, all of them back inside clears, anything else holds."""
    out: dict[tuple[str, str], Verdict] = {}
    for sid, metric, ts, value in _watched_values(rule, subjects, at, out):
        own = None
        if rule.threshold is None:
            own = (subjects.by_id[sid]["thresholds"] or {}).get(metric)
            if not own:
                continue
        if rule.min_duration_s <= 0:
            out[(sid, metric)] = (
                judge_fixed(rule, value)
                if own is None
                else judge_sensor_levels(own, value, rule.clear_margin)
            )
            continue
        span = _window_extremes(conn, sid, metric, ts, rule.min_duration_s)
        out[(sid, metric)] = (
            HOLD if span is None else judge_window(rule, own, value, *span)
        )
    return out


def judge_window(
    rule: Rule, own: dict | None, newest: float, low: float, high: float
) -> Verdict:
    """A threshold rule on the lowest and highest readings of its minimum duration
    (``newest`` is the value an alert reports): fire when every reading is past a
    limit, clear when every reading is back inside (by the clear margin)."""
    margin = rule.clear_margin
    if own is None:
        assert rule.threshold is not None
        limit = rule.threshold
        held, back = (
            (low >= limit, high < limit - margin)
            if rule.op == ">="
            else (high <= limit, low > limit + margin)
        )
        if held:
            return Verdict("fire", rule.severity, newest, limit)
        return CLEAR if back else HOLD
    # Over a high level: the lowest reading is over it; under a low one: the highest.
    high_side = {k: own.get(k) for k in (levels.WARN, levels.ALARM)}
    low_side = {k: own.get(f"low_{k}") for k in (levels.WARN, levels.ALARM)}
    up = levels.grade(low, high_side)
    down = levels.grade(high, {f"low_{k}": v for k, v in low_side.items()})
    rank = {levels.OK: 0, levels.WARN: 1, levels.ALARM: 2}
    worst = max((up, down), key=lambda g: rank[g[0]])
    if worst[1] is not None:
        severity = "critical" if worst[0] == levels.ALARM else "warning"
        return Verdict("fire", severity, newest, float(worst[1]))
    back = levels.cleared(low, own, margin) and levels.cleared(high, own, margin)
    return CLEAR if back else HOLD


def _window_extremes(
    conn: Connection, sensor_id: str, metric: str, newest_ts: int, seconds: int
) -> tuple[float, float] | None:
    """The lowest and highest reading of the pair in the ``seconds`` up to its newest
    reading, counting the reading in force when that span began; None when the
    sensor has no reading that old yet (a fresh start: too early to judge)."""
    r = Reading.__table__.c
    start = newest_ts - seconds * 1000
    pair = and_(r.sensor_id == sensor_id, r.metric == metric)
    before = conn.execute(
        select(r.value).where(pair, r.ts <= start).order_by(r.ts.desc()).limit(1)
    ).scalar()
    if before is None:
        return None
    low, high = conn.execute(
        select(func.min(r.value), func.max(r.value)).where(
            pair, r.ts > start, r.ts <= newest_ts
        )
    ).one()
    values = [float(before)] + [float(v) for v in (low, high) if v is not None]
    return min(values), max(values)


def _judge_rate(
    conn: Connection, rule: Rule, subjects: Subjects, at: int
) -> dict[tuple[str, str], Verdict]:
    """The change of ``metric`` over ``window_s`` against the threshold."""
    out: dict[tuple[str, str], Verdict] = {}
    fresh = _watched_values(rule, subjects, at, out)
    past = _values_before(conn, rule, fresh)
    for sid, metric, _ts, value in fresh:
        if (sid, metric) in past:
            out[(sid, metric)] = judge_fixed(rule, value - past[(sid, metric)])
    return out


def _values_before(
    conn: Connection, rule: Rule, wanted: list[tuple[str, str, int, float]]
) -> dict[tuple[str, str], float]:
    """Each pair's minute mean ``rule.window_s`` before its newest reading."""
    r = Rollup1m.__table__.c
    out: dict[tuple[str, str], float] = {}
    for sid, metric, ts, _value in wanted:
        then = ts - rule.window_s * 1000
        bucket = then - then % 60_000
        row = conn.execute(
            select(r.sum, r.count).where(
                r.sensor_id == sid, r.metric == metric, r.bucket == bucket
            )
        ).first()
        if row and row.count:
            out[(sid, metric)] = row.sum / row.count
    return out


def _extreme_since(
    conn: Connection, sensor_id: str, metric: str, since_ms: int, low: bool
) -> list[float]:
    """The lowest or highest minute extreme of the pair since the episode began (from
    the minute before it was raised, where the reading that raised it may lie)."""
    r = Rollup1m.__table__.c
    start = since_ms - since_ms % 60_000 - 60_000
    agg = func.min(r.min) if low else func.max(r.max)
    value = conn.execute(
        select(agg).where(
            r.sensor_id == sensor_id, r.metric == metric, r.bucket >= start
        )
    ).scalar()
    return [] if value is None else [float(value)]


# -- the registries: a new kind of subject or rule is one entry here -------------------

SUBJECT_SOURCES: dict[str, SubjectSource] = {
    SENSOR: SubjectSource(_load_sensors, _sensor_place),
}
JUDGES: dict[str, Judge] = {
    "threshold": Judge(SENSOR, _judge_threshold, extreme_since=_extreme_since),
    "rate": Judge(SENSOR, _judge_rate),
    "stale": Judge(SENSOR, _judge_stale, low_side=False),
}
RULE_KINDS = tuple(JUDGES)


# -- the lifecycle, the same for every subject -----------------------------------------


def _apply(
    conn: Connection,
    rules: list[Rule],
    verdicts: dict[Key, Verdict],
    loaded: dict[str, Subjects],
    at: int,
    result: EvalResult,
) -> None:
    a = Alert.__table__.c
    by_id = {r.id: r for r in rules}
    rule_ids = list(by_id)
    if not rule_ids:
        return
    open_rows = conn.execute(
        select(
            a.id,
            a.rule_id,
            a.subject_kind,
            a.subject_id,
            a.metric,
            a.severity,
            a.peak,
            a.raised_ms,
        ).where(a.resolved_ms.is_(None), a.rule_id.in_(rule_ids))
    ).all()
    open_by_key = {
        (o.rule_id, o.subject_kind, o.subject_id, o.metric): o for o in open_rows
    }
    for key, v in verdicts.items():
        episode = open_by_key.get(key)
        rule = by_id[key[0]]
        if v.status == "clear" and episode is not None:
            conn.execute(update(Alert).where(a.id == episode.id).values(resolved_ms=at))
            result.resolved += 1
        elif v.status == "fire" and episode is None:
            subject = loaded[key[1]].by_id.get(key[2], {})
            place = SUBJECT_SOURCES[key[1]].place(subject)
            new_id = _raise(conn, rule, key, v, place, at)
            if new_id is not None:
                result.raised.append(new_id)
        elif v.status == "fire":
            judge = JUDGES[rule.kind]
            worse = SEVERITIES.index(v.severity) > SEVERITIES.index(episode.severity)
            low = judge.low_side and _low_side(rule, v)
            candidates = [x for x in (episode.peak, v.value) if x is not None]
            if judge.extreme_since is not None:
                # Readings between two evaluations count too, not only the newest.
                candidates += judge.extreme_since(
                    conn, key[2], key[3], episode.raised_ms, low
                )
            peak = (min if low else max)(candidates) if candidates else None
            values = {"last_value": v.value, "last_ms": at, "peak": peak}
            if worse:
                values.update(severity=v.severity, limit=v.limit)
            conn.execute(update(Alert).where(a.id == episode.id).values(**values))
            result.updated += 1


def _low_side(rule: Rule, v: Verdict) -> bool:
    """Whether the episode is about a value too low (the peak is then a minimum)."""
    if rule.threshold is None:
        return v.limit is not None and v.value is not None and v.value <= v.limit
    return rule.op == "<="


def _raise(
    conn: Connection,
    rule: Rule,
    key: Key,
    v: Verdict,
    place: tuple[str, str],
    at: int,
) -> int | None:
    table = Alert.__table__
    stmt = (
        insert_for(conn, table)
        .values(
            rule_id=rule.id,
            subject_kind=check_kind(key[1]),
            subject_id=key[2],
            metric=key[3],
            domain=rule.domain or place[0],
            area=place[1],
            severity=v.severity,
            raised_ms=at,
            value=v.value,
            limit=v.limit,
            peak=v.value,
            last_value=v.value,
            last_ms=at,
            acked_by="",
            ack_note="",
        )
        .on_conflict_do_nothing()
        .returning(table.c.id)
    )
    return conn.execute(stmt).scalar()


def _escalate(conn: Connection, rules: list[Rule], at: int) -> int:
    a = Alert.__table__.c
    n = 0
    for rule in rules:
        stmt = (
            update(Alert)
            .where(
                a.rule_id == rule.id,
                a.severity == "critical",
                a.resolved_ms.is_(None),
                a.acked_ms.is_(None),
                a.escalated_ms.is_(None),
                a.raised_ms <= at - rule.escalate_after_s * 1000,
            )
            .values(escalated_ms=at)
        )
        n += conn.execute(stmt).rowcount or 0
    if n:
        log.warning("escalated %d unacknowledged critical alert(s)", n)
    return n


class AlertError(ValueError):
    """A request about an alert or a rule that cannot be carried out, with a
    translation key for the person who asked."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def acknowledge(
    engine: Engine, alert_id: int, by: str, note: str = "", at_ms: int | None = None
) -> None:
    """Record who acknowledged the alert, when and with what note. Raises AlertError
    for an unknown or already acknowledged alert, or a missing name."""
    by, note = (by or "").strip(), (note or "").strip()
    if not by:
        raise AlertError("alerts.err.who")
    if len(by) > MAX_NAME or len(note) > MAX_NOTE:
        raise AlertError("alerts.err.too_long")
    at = now_ms() if at_ms is None else at_ms
    a = Alert.__table__.c
    with engine.begin() as conn:
        done = conn.execute(
            update(Alert)
            .where(a.id == alert_id, a.acked_ms.is_(None))
            .values(acked_ms=at, acked_by=by, ack_note=note)
        ).rowcount
        if not done:
            exists = conn.execute(select(a.id).where(a.id == alert_id)).first()
            raise AlertError("alerts.err.already" if exists else "alerts.err.unknown")
    log.info("alert %s acknowledged by %s", alert_id, by)


# Columns of the alert frame that repeat the subject of sensor alerts.
SENSOR_COLUMNS = ("sensor_id", "sensor_name", "sensor_name_en")
ALERT_COLUMNS = [
    "id",
    "rule_id",
    "rule_name",
    "rule_kind",
    "subject_kind",
    "subject_id",
    "subject_name",
    "subject_name_en",
    "sensor_id",
    "sensor_name",
    "sensor_name_en",
    "metric",
    "domain",
    "area",
    "region",
    "severity",
    "state",
    "raised_ms",
    "value",
    "limit",
    "peak",
    "last_value",
    "last_ms",
    "acked_ms",
    "acked_by",
    "ack_note",
    "escalated_ms",
    "resolved_ms",
]


def severity_rank(a):  # noqa: ANN001, ANN201 - the alerts table's columns
    """critical 2, warning 1, info 0: a severity as a number SQL can sort by."""
    return case((a.severity == "critical", 2), (a.severity == "warning", 1), else_=0)


_ORDERS = {
    "newest": lambda a: (a.raised_ms.desc(), a.id.desc()),
    "worst": lambda a: (
        severity_rank(a).desc(),
        case((a.escalated_ms.is_not(None), 1), else_=0).desc(),
        a.raised_ms.asc(),
        a.id.asc(),
    ),
}
ORDERS = tuple(_ORDERS)


def alerts(
    engine: Engine,
    state: str | None = None,
    severity: str | None = None,
    domain: str | None = None,
    region: str | None = None,
    limit: int = 500,
    alert_id: int | None = None,
    domains: Collection[str] | None = None,
    areas: Collection[str] | None = None,
    raised_from: int | None = None,
    raised_to: int | None = None,
    order: str = "newest",
    subject_id: str | None = None,
) -> pd.DataFrame:
    """Alerts newest first (``order="worst"``: critical first, then escalated, then
    the longest-lasting), with their rule and subject. Columns: ALERT_COLUMNS;
    state is 'open' (unacknowledged), 'acknowledged' or 'resolved'; subject_name(_en)
    come from the subject kind's labeller (store.subjects), '' when it has none;
    sensor_id and sensor_name(_en) repeat the subject for sensor alerts (None
    otherwise), as before subjects. ``region`` filters on the sensor's region.
    ``domains``: only these domains (None: all) - what a staff member may read;
    ``areas``: only alerts in these areas (None: all); ``raised_from`` and
    ``raised_to``: only alerts raised in ``[raised_from, raised_to)`` (a report's
    period)."""
    a, r, s = Alert.__table__.c, AlertRule.__table__.c, Sensor.__table__.c
    is_sensor = and_(a.subject_kind == SENSOR, s.id == a.subject_id)
    stmt = (
        select(
            a.id,
            a.rule_id,
            r.name,
            r.kind,
            a.subject_kind,
            a.subject_id,
            a.metric,
            a.domain,
            a.area,
            s.region,
            a.severity,
            a.raised_ms,
            a.value,
            a.limit,
            a.peak,
            a.last_value,
            a.last_ms,
            a.acked_ms,
            a.acked_by,
            a.ack_note,
            a.escalated_ms,
            a.resolved_ms,
        )
        .join(AlertRule.__table__, r.id == a.rule_id, isouter=True)
        .join(Sensor.__table__, is_sensor, isouter=True)
        .order_by(*_ORDERS[order](a))
        .limit(max(1, min(limit, 5000)))
    )
    if state == "open":
        stmt = stmt.where(a.resolved_ms.is_(None), a.acked_ms.is_(None))
    elif state == "acknowledged":
        stmt = stmt.where(a.resolved_ms.is_(None), a.acked_ms.is_not(None))
    elif state == "resolved":
        stmt = stmt.where(a.resolved_ms.is_not(None))
    if severity:
        stmt = stmt.where(a.severity == severity)
    if domain:
        stmt = stmt.where(a.domain == domain)
    if region:
        stmt = stmt.where(s.region == region)
    if alert_id is not None:
        stmt = stmt.where(a.id == alert_id)
    if subject_id is not None:
        stmt = stmt.where(a.subject_id == subject_id)
    if domains is not None:
        stmt = stmt.where(a.domain.in_(sorted(domains)))
    if areas is not None:
        stmt = stmt.where(a.area.in_(sorted(areas)))
    if raised_from is not None:
        stmt = stmt.where(a.raised_ms >= raised_from)
    if raised_to is not None:
        stmt = stmt.where(a.raised_ms < raised_to)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
        labels = names_of(conn, {(x.subject_kind, x.subject_id) for x in rows})
    derived = ("state", "subject_name", "subject_name_en") + SENSOR_COLUMNS
    df = pd.DataFrame(rows, columns=[c for c in ALERT_COLUMNS if c not in derived])
    keys = list(zip(df["subject_kind"], df["subject_id"], strict=True))
    names = [labels.get(k, ("", "")) for k in keys]
    sensor = [k[0] == SENSOR for k in keys]
    pairs = list(zip(names, sensor, strict=True))
    extra = {
        "subject_name": [n[0] for n in names],
        "subject_name_en": [n[1] for n in names],
        "sensor_id": [k[1] if y else None for k, y in zip(keys, sensor, strict=True)],
        "sensor_name": [n[0] if y else None for n, y in pairs],
        "sensor_name_en": [n[1] if y else None for n, y in pairs],
        "state": [
            "resolved"
            if pd.notna(res)
            else ("acknowledged" if pd.notna(ack) else "open")
            for res, ack in zip(df["resolved_ms"], df["acked_ms"], strict=True)
        ],
    }
    df = df.assign(**extra)[ALERT_COLUMNS]
    for c in ("raised_ms", "last_ms", "acked_ms", "escalated_ms", "resolved_ms"):
        df[c] = df[c].astype("Int64")
    return df


def unresolved_sensors(engine: Engine, severity: str = "critical") -> set[str]:
    """Sensors with an unresolved alert of ``severity`` (open or acknowledged): what
    a map rings in red. One small query on the unresolved episodes."""
    a = Alert.__table__.c
    stmt = (
        select(a.subject_id)
        .where(
            a.resolved_ms.is_(None), a.severity == severity, a.subject_kind == SENSOR
        )
        .distinct()
        .limit(10_000)
    )
    with engine.connect() as conn:
        return {r for r in conn.execute(stmt).scalars() if r is not None}


def excess(row: dict) -> float:
    """How far an alert's latest value lies past its limit, as a share of the limit
    (0.5: half as much again); 0 when either is unknown."""
    value, limit = row.get("last_value"), row.get("limit")
    if value is None or limit is None:
        return 0.0
    return abs(float(value) - float(limit)) / max(abs(float(limit)), 1e-9)


def worst_first(df: pd.DataFrame, at_ms: int | None = None) -> pd.DataFrame:
    """An alerts frame ranked by what needs a person first: severity, then escalated,
    then how far past the limit (``excess``), then how long it has lasted."""
    if df.empty:
        return df
    at = now_ms() if at_ms is None else at_ms
    rows = frames.records(df)
    key = [
        (
            -SEVERITIES.index(r["severity"]) if r["severity"] in SEVERITIES else 0,
            0 if r["escalated_ms"] is not None else 1,
            -excess(r),
            -(at - int(r["raised_ms"])),
        )
        for r in rows
    ]
    order = sorted(range(len(rows)), key=key.__getitem__)
    return df.iloc[order].reset_index(drop=True)


def worst_unresolved(
    engine: Engine,
    domains: Collection[str] | None = None,
    areas: Collection[str] | None = None,
) -> dict[str, str]:
    """Each sensor's worst unresolved alert (open or acknowledged: a known problem is
    still a problem), as {sensor id: 'critical' | 'warning' | 'info'}; what a map
    colours its points by. ``domains`` and ``areas`` as in ``alerts``."""
    a = Alert.__table__.c
    rank = func.max(severity_rank(a))
    stmt = (
        select(a.subject_id, rank)
        .where(a.resolved_ms.is_(None), a.subject_kind == SENSOR)
        .group_by(a.subject_id)
        .limit(10_000)
    )
    if domains is not None:
        stmt = stmt.where(a.domain.in_(sorted(domains)))
    if areas is not None:
        stmt = stmt.where(a.area.in_(sorted(areas)))
    with engine.connect() as conn:
        return {sid: SEVERITIES[int(r)] for sid, r in conn.execute(stmt)}


def counts(
    engine: Engine,
    domains: Collection[str] | None = None,
    areas: Collection[str] | None = None,
) -> dict[str, int]:
    """Open (unacknowledged), acknowledged and open critical alerts, province-wide
    (or in ``domains`` and ``areas`` only)."""
    a = Alert.__table__.c
    unresolved = a.resolved_ms.is_(None)
    if domains is not None:
        unresolved = and_(unresolved, a.domain.in_(sorted(domains)))
    if areas is not None:
        unresolved = and_(unresolved, a.area.in_(sorted(areas)))
    with engine.connect() as conn:
        row = conn.execute(
            select(
                func.count().filter(and_(unresolved, a.acked_ms.is_(None))),
                func.count().filter(and_(unresolved, a.acked_ms.is_not(None))),
                func.count().filter(
                    and_(unresolved, a.acked_ms.is_(None), a.severity == "critical")
                ),
                func.count().filter(
                    and_(unresolved, a.acked_ms.is_(None), a.escalated_ms.is_not(None))
                ),
            )
        ).one()
    return dict(
        zip(
            ("open", "acknowledged", "critical", "escalated"),
            map(int, row),
            strict=True,
        )
    )


RULE_COLUMNS = [
    "id",
    "name",
    "kind",
    "domain",
    "sensor_kind",
    "sensor_id",
    "metric",
    "op",
    "threshold",
    "window_s",
    "clear_margin",
    "severity",
    "escalate_after_s",
    "min_duration_s",
    "enabled",
    "updated_by",
    "updated_ms",
]


def rules(engine: Engine) -> pd.DataFrame:
    """Every rule, enabled or not. Columns: RULE_COLUMNS."""
    r = AlertRule.__table__.c
    with engine.connect() as conn:
        rows = conn.execute(select(*(r[c] for c in RULE_COLUMNS)).order_by(r.id)).all()
    return pd.DataFrame(rows, columns=RULE_COLUMNS)


EDITABLE = {
    "threshold",
    "severity",
    "escalate_after_s",
    "enabled",
    "clear_margin",
    "window_s",
    "min_duration_s",
}


def update_rule(
    engine: Engine, rule_id: int, by: str, at_ms: int | None = None, **changes: object
) -> None:
    """Change a rule's editable fields after checking each value; AlertError on a bad
    one (nothing is written then)."""
    clean = _check_rule_changes(changes)
    if not (by or "").strip():
        raise AlertError("alerts.err.who")
    at = now_ms() if at_ms is None else at_ms
    with engine.begin() as conn:
        done = conn.execute(
            update(AlertRule)
            .where(AlertRule.__table__.c.id == rule_id)
            .values(**clean, updated_by=by.strip()[:MAX_NAME], updated_ms=at)
        ).rowcount
    if not done:
        raise AlertError("alerts.err.unknown_rule")
    log.info("rule %s changed by %s: %s", rule_id, by, clean)


def _check_rule_changes(changes: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for k, v in changes.items():
        if k not in EDITABLE:
            raise AlertError("alerts.err.field")
        if k == "severity" and v not in SEVERITIES:
            raise AlertError("alerts.err.severity")
        if k == "enabled":
            if not isinstance(v, bool):
                raise AlertError("alerts.err.value")
        elif k == "threshold":
            if v is not None and not _finite(v):
                raise AlertError("alerts.err.value")
        elif k in ("escalate_after_s", "window_s"):
            if not _finite(v) or not 0 < float(v) <= 7 * 86400:  # type: ignore[arg-type]
                raise AlertError("alerts.err.value")
            v = int(float(v))  # type: ignore[arg-type]
        elif k == "min_duration_s":
            if not _finite(v) or not 0 <= float(v) <= 86400:  # type: ignore[arg-type]
                raise AlertError("alerts.err.value")
            v = int(float(v))  # type: ignore[arg-type]
        elif k == "clear_margin" and (not _finite(v) or float(v) < 0):  # type: ignore[arg-type]
            raise AlertError("alerts.err.value")
        out[k] = v
    return out


def _finite(v: object) -> bool:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return False
    return v == v and abs(float(v)) != float("inf")
