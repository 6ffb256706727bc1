"""Parse one MQTT message into readings: a JSON object or a SenML pack (RFC 8428).

Pure functions, no I/O. ``parse_message`` never raises for any bytes: whatever it
cannot use comes back as rejection reasons (a code, a colon, a human detail) for the
dead-letter table, and whatever is valid in the same message is kept.

Times are epoch milliseconds UTC, rounded to the nearest millisecond with ties to
even, computed exactly in integers from the numbers as JSON parsed them (a float is
a binary fraction), so ``bt + t`` suffers no float addition error. ISO strings keep
their microseconds until that rounding. SenML times below 2**28 s are relative to
the time the message was received (RFC 8428 section 4.5.3).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeGuard

from store.metrics import METRIC_BY_UNIT, METRICS

MAX_PAYLOAD = 256 * 1024
MAX_REASON = 300
# Bounds the work and the dead-letter row one hostile message can cause.
MAX_RECORDS = 10_000
MAX_REJECTIONS = 50
FUTURE_SLACK_MS = 10 * 60 * 1000
MIN_TS_MS = 946_684_800_000  # 2000-01-01T00:00:00Z
RELATIVE_LIMIT_S = 2**28
SENML_VERSION = 10
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# No '/', MQTT wildcards or control characters (C0, DEL, C1) in a sensor id.
_TOPIC = re.compile(r"ioc/sensors/([^/+#\x00-\x1f\x7f-\x9f]{1,128})/data")
_SEPARATORS = ":/._-"
_BASE_FIELDS = frozenset({"bn", "bt", "bu", "bv", "bs", "bver"})
_OTHER_VALUES = ("vs", "vb", "vd")


@dataclass(frozen=True)
class Reading:
    sensor_id: str
    metric: str
    ts_ms: int
    value: float


@dataclass(frozen=True)
class Rejection:
    """Why (part of) a message was refused: ``"<code>: <detail>"``, capped in length
    because details quote the payload."""

    reason: str

    @classmethod
    def of(cls, code: str, detail: str) -> Rejection:
        return cls(f"{code}: {detail}"[:MAX_REASON])

    @property
    def code(self) -> str:
        return self.reason.split(":", 1)[0]


@dataclass
class ParseResult:
    readings: list[Reading] = field(default_factory=list)
    rejections: list[str] = field(default_factory=list)


class _Collector:
    """Readings and reasons of one message while it is parsed."""

    def __init__(self, sensor: str) -> None:
        self.sensor = sensor
        self.readings: list[Reading] = []
        self.reasons: list[str] = []
        self.dropped = 0
        # (metric, ts_ms) -> (value, record): one pack may not say two things about
        # one metric at one instant; the store would silently keep only the first.
        self.seen: dict[tuple[str, int], tuple[float, int]] = {}

    def reject(self, rejection: Rejection) -> None:
        if len(self.reasons) < MAX_REJECTIONS:
            self.reasons.append(rejection.reason)
        else:
            self.dropped += 1

    def result(self) -> ParseResult:
        reasons = list(self.reasons)
        if self.dropped:
            reasons.append(
                Rejection.of("truncated", f"{self.dropped} more rejections").reason
            )
        return ParseResult(self.readings, reasons)


def sensor_from_topic(topic: str) -> str | None:
    """``ioc/sensors/<id>/data`` -> ``<id>``; any other topic -> None."""
    m = _TOPIC.fullmatch(topic)
    return m.group(1) if m else None


def parse_message(topic: str, payload: bytes, now_ms: int) -> ParseResult:
    """Readings and rejection reasons of one message on ``topic`` received at
    ``now_ms``."""
    sensor = sensor_from_topic(topic)
    out = _Collector(sensor or "")
    if sensor is None:
        out.reject(Rejection.of("bad_topic", _show(topic)))
        return out.result()
    if len(payload) > MAX_PAYLOAD:
        out.reject(Rejection.of("too_large", f"{len(payload)} bytes > {MAX_PAYLOAD}"))
        return out.result()
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        out.reject(Rejection.of("bad_encoding", f"not UTF-8 at byte {exc.start}"))
        return out.result()
    try:
        # Python accepts NaN and Infinity here; they are refused value by value.
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        near = _show(text[max(0, exc.pos - 10) : exc.pos + 20])
        out.reject(Rejection.of("bad_json", f"{exc.msg} at char {exc.pos} near {near}"))
        return out.result()
    except RecursionError:
        out.reject(Rejection.of("bad_json", "nested too deeply"))
        return out.result()
    except ValueError as exc:  # integers of more than 4300 digits
        out.reject(Rejection.of("bad_json", str(exc)))
        return out.result()
    if isinstance(doc, dict):
        _parse_object(doc, now_ms, out)
    elif isinstance(doc, list) and doc:
        _parse_senml(doc, now_ms, out)
    else:
        kind = "empty array" if doc == [] else _json_type(doc)
        out.reject(
            Rejection.of("bad_shape", f"JSON {kind}, expected an object or SenML pack")
        )
    return out.result()


# --- form 1: {"ts": ..., "<metric>": <number>, ...} ------------------------------


def _parse_object(obj: dict, now_ms: int, out: _Collector) -> None:
    ts_ms = now_ms
    if "ts" in obj:
        ts = _object_ts(obj["ts"])
        if isinstance(ts, Rejection):
            out.reject(ts)
            return
        ts_ms = ts
    bad_time = _check_ts(ts_ms, now_ms)
    if bad_time:
        out.reject(Rejection.of("bad_ts", bad_time))
        return
    metrics = [(k, v) for k, v in obj.items() if k != "ts"]
    if not metrics:
        out.reject(Rejection.of("empty", "no metric in the object"))
        return
    for key, value in metrics:
        _keep_value(out, key, ts_ms, value, None, "")


def _object_ts(raw: object) -> int | Rejection:
    """The object's ``ts``: an ISO 8601 string with an offset, or epoch seconds."""
    if _is_number(raw):
        if not _finite(raw):
            return Rejection.of("bad_ts", f"non-finite ts {raw}")
        return _ms(*_seconds(raw))
    if isinstance(raw, str):
        try:
            # RFC 3339 allows a lower-case 't' and 'z'; fromisoformat does not.
            dt = datetime.fromisoformat(raw.upper())
        except ValueError:
            return Rejection.of("bad_ts", f"not ISO 8601: {_show(raw)}")
        if dt.utcoffset() is None:
            # A reading without an offset could be local or UTC: never guess.
            return Rejection.of("bad_ts", f"no time zone offset in {_show(raw)}")
        try:
            micros = (dt - _EPOCH) // timedelta(microseconds=1)
        except OverflowError:
            return Rejection.of("bad_ts", f"out of range: {_show(raw)}")
        return _ms(micros, 1_000_000)
    return Rejection.of("bad_ts", f"ISO 8601 or epoch seconds expected: {_show(raw)}")


# --- form 2: SenML pack (RFC 8428) ----------------------------------------------


@dataclass
class _Base:
    """Base fields carried forward to later records until changed (section 4.6)."""

    bn: str = ""
    bt: int | float = 0
    bu: str | None = None
    bv: int | float = 0


def _parse_senml(pack: list, now_ms: int, out: _Collector) -> None:
    if len(pack) > MAX_RECORDS:
        out.reject(Rejection.of("too_large", f"{len(pack)} SenML records"))
        return
    refusal = _pack_refusal(pack)
    if refusal:
        out.reject(Rejection.of("bad_senml", refusal))
        return
    base = _Base()
    for i, rec in enumerate(pack):
        if not isinstance(rec, dict):
            out.reject(
                Rejection.of(
                    "bad_senml", f"record {i} is {_json_type(rec)}, not object"
                )
            )
            continue
        bad_base = _update_base(base, rec)
        if bad_base:
            # Later records would resolve against the wrong base: stop here.
            out.reject(
                Rejection.of(
                    "bad_senml", f"record {i}: {bad_base}; records {i}.. not resolved"
                )
            )
            return
        _parse_record(i, rec, base, now_ms, out)
    if not out.readings and not out.reasons:
        out.reject(Rejection.of("empty", "no SenML record with a value"))


def _pack_refusal(pack: list) -> str | None:
    """Why the whole pack must not be used (section 4.4), or None."""
    for i, rec in enumerate(pack):
        if not isinstance(rec, dict):
            continue
        if "bver" in rec:
            bver = rec["bver"]
            if not (_is_number(bver) and _finite(bver) and bver == int(bver)):
                return f"record {i}: bver {_show(bver)} is not a version number"
            if not 1 <= bver <= SENML_VERSION:
                return f"record {i}: bver {bver}, we understand 1 to {SENML_VERSION}"
        for key in rec:
            # Labels ending in '_' are must-understand; we understand none.
            if key.endswith("_"):
                return f"record {i}: must-understand field {_show(key)}"
    return None


def _update_base(base: _Base, rec: dict) -> str | None:
    if "bn" in rec:
        if not isinstance(rec["bn"], str):
            return f"bn {_show(rec['bn'])} is not a string"
        base.bn = rec["bn"]
    if "bu" in rec:
        if not isinstance(rec["bu"], str):
            return f"bu {_show(rec['bu'])} is not a string"
        base.bu = rec["bu"]
    for key in ("bt", "bv", "bs"):
        if key in rec and not _is_number(rec[key]):
            return f"{key} {_show(rec[key])} is not a number"
    # A non-finite bt or bv is kept: it shows up as bad_ts or non_finite per record.
    base.bt = rec.get("bt", base.bt)
    base.bv = rec.get("bv", base.bv)
    return None


def _parse_record(i: int, rec: dict, base: _Base, now_ms: int, out: _Collector) -> None:
    where = f"record {i}: "
    n, t, u = rec.get("n", ""), rec.get("t", 0), rec.get("u", base.bu)
    wrong = _wrong_type(rec)
    if wrong:
        out.reject(Rejection.of("bad_senml", where + wrong))
        return
    others = [k for k in _OTHER_VALUES if k in rec]
    if "v" in rec and others:
        out.reject(Rejection.of("bad_senml", f"{where}v and {others[0]} together"))
        return
    if others:
        out.reject(
            Rejection.of("unsupported_value", f"{where}{others[0]}: only v is stored")
        )
        return
    if "v" not in rec:
        if "s" in rec:
            out.reject(
                Rejection.of("unsupported_value", f"{where}a sum (s) without a v")
            )
        elif not rec.keys() <= _BASE_FIELDS:
            out.reject(Rejection.of("bad_senml", f"{where}no value"))
        # else: base fields only (RFC 8428 section 5.1.7 starts with one).
        return
    v = rec["v"]
    if not _is_number(v):
        out.reject(Rejection.of("bad_value", f"{where}v={_show(v)}"))
        return
    ts = _senml_time(base.bt, t, now_ms)
    if isinstance(ts, str):
        out.reject(Rejection.of("bad_ts", where + ts))
        return
    bad_time = _check_ts(ts, now_ms)
    if bad_time:
        out.reject(Rejection.of("bad_ts", where + bad_time))
        return
    name = base.bn + n
    metric = _metric_of(name, out.sensor, base.bn) or METRIC_BY_UNIT.get(u or "", "")
    if metric not in METRICS:
        unit = f" in {_show(u)}" if u is not None else ""
        out.reject(Rejection.of("unknown_metric", f"{where}name {_show(name)}{unit}"))
        return
    try:
        value: int | float = base.bv + v
    except OverflowError:  # an integer beyond float added to a float
        out.reject(Rejection.of("out_of_range", f"{where}{metric}={_show(v)}"))
        return
    _keep_value(out, metric, ts, value, u, where, record=i)


def _wrong_type(rec: dict) -> str | None:
    for key, ok in (
        ("n", isinstance(rec.get("n", ""), str)),
        ("u", isinstance(rec.get("u", ""), str)),
        ("t", _is_number(rec.get("t", 0))),
    ):
        if not ok:
            return f"{key} {_show(rec[key])} has the wrong type"
    return None


def _senml_time(bt: int | float, t: int | float, now_ms: int) -> int | str:
    """Epoch ms of a record's resolved time, or why there is none."""
    if not (_finite(bt) and _finite(t)):
        return f"non-finite time bt={bt} t={t}"
    num, den = _seconds(bt, t)
    if num < RELATIVE_LIMIT_S * den:
        return now_ms + _ms(num, den)
    return _ms(num, den)


def _metric_of(name: str, sensor: str, bn: str) -> str:
    """The resolved name minus its device prefix; '' when it names the device only
    (RFC 8428 section 5.1.1: then the unit says what was measured)."""
    if name.startswith(sensor):
        return name[len(sensor) :].lstrip(_SEPARATORS)
    if bn and name.startswith(bn):
        # The same separators are stripped as after the sensor id, so that a bn
        # without its trailing ':' still names the device.
        return name[len(bn) :].lstrip(_SEPARATORS)
    return name


# --- shared checks ---------------------------------------------------------------


def _keep_value(
    out: _Collector,
    metric: str,
    ts_ms: int,
    raw: object,
    unit: str | None,
    where: str,
    record: int | None = None,
) -> None:
    """Append the reading if ``raw`` is a plausible value of ``metric`` in ``unit``,
    else a rejection. Checks in the order a reader would ask: what, a number, finite,
    the right unit, plausible."""
    m = METRICS.get(metric)
    if m is None:
        out.reject(Rejection.of("unknown_metric", f"{where}{_show(metric)}"))
        return
    if not _is_number(raw):
        out.reject(Rejection.of("bad_value", f"{where}{metric}={_show(raw)}"))
        return
    span = f"[{m.low}, {m.high}]"
    try:
        value = float(raw)
    except OverflowError:  # a finite integer too large for a float
        out.reject(
            Rejection.of("out_of_range", f"{where}{metric}={_show(raw)} not in {span}")
        )
        return
    if not math.isfinite(value):
        out.reject(Rejection.of("non_finite", f"{where}{metric}={value}"))
        return
    if not m.accepts_unit(unit):
        out.reject(
            Rejection.of(
                "bad_unit", f"{where}{metric} in {_show(unit)}, expected {m.unit!r}"
            )
        )
        return
    if not m.low <= value <= m.high:
        out.reject(
            Rejection.of("out_of_range", f"{where}{metric}={value!r} not in {span}")
        )
        return
    key = (metric, ts_ms)
    if key in out.seen:  # only SenML can repeat a metric: object keys are unique
        earlier, j = out.seen[key]
        if earlier != value:
            out.reject(
                Rejection.of(
                    "bad_senml",
                    f"{where}{metric}={value!r} at {_when(ts_ms)} but record {j} "
                    f"said {earlier!r}",
                )
            )
        return  # an exact repeat adds nothing
    out.seen[key] = (value, -1 if record is None else record)
    out.readings.append(Reading(out.sensor, metric, ts_ms, value))


def _check_ts(ts_ms: int, now_ms: int) -> str | None:
    """Why a time is implausible, or None. Late data is fine; the future is not."""
    if ts_ms > now_ms + FUTURE_SLACK_MS:
        minutes = (ts_ms - now_ms) // 60_000
        ahead = (
            f"{minutes} min" if minutes < 10**6 else f"{_show(minutes // 525_960)} y"
        )
        hint = " (milliseconds sent as seconds?)" if ts_ms > now_ms * 100 else ""
        return f"{_when(ts_ms)} is {ahead} in the future{hint}"
    if ts_ms < MIN_TS_MS:
        return f"{_when(ts_ms)} is before 2000"
    return None


def _seconds(*parts: int | float) -> tuple[int, int]:
    """The exact sum of finite ``parts`` as numerator and denominator. Floats are
    binary fractions, so the largest denominator is a multiple of the others."""
    ratios = [x.as_integer_ratio() for x in parts]
    den = max(d for _, d in ratios)
    return sum(n * (den // d) for n, d in ratios), den


def _ms(num: int, den: int) -> int:
    """``num / den`` seconds in milliseconds, rounded half to even."""
    q, r = divmod(num * 1000, den)
    if 2 * r > den or (2 * r == den and q % 2):
        q += 1
    return q


def _is_number(x: object) -> TypeGuard[int | float]:
    # bool is an int in Python but true/false is not a measurement.
    return isinstance(x, int | float) and not isinstance(x, bool)


def _finite(x: int | float) -> bool:
    # math.isfinite would overflow on integers beyond float range; they are finite.
    return isinstance(x, int) or math.isfinite(x)


def _when(ts_ms: int) -> str:
    try:
        when = _EPOCH + timedelta(milliseconds=ts_ms)
        return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    except OverflowError:
        return _show(ts_ms) + " ms"


def _json_type(x: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean"}
    if x is None:
        return "null"
    return names.get(type(x), "number")


def _show(x: object) -> str:
    """A short, single-line excerpt of a JSON value for a reason, never recursing
    into arrays or objects (they may be nested hundreds deep)."""
    if isinstance(x, dict):
        return f"<object of {len(x)} keys>"
    if isinstance(x, list):
        return f"<array of {len(x)} items>"
    if isinstance(x, str):
        text = repr(x[:60])
        return text + "..." if len(x) > 60 else text
    if isinstance(x, int) and not isinstance(x, bool) and x.bit_length() > 100:
        return f"<integer of {x.bit_length()} bits>"
    return repr(x)
