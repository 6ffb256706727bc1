"""The one threshold function: a value against levels {warn, alarm, low_warn,
low_alarm} (each optional). Sensor panels colour by it, the alert judge raises by it
(with a hysteresis margin to clear), KPI tiles grade a target and its 20 % band by it.
"""

from __future__ import annotations

from collections.abc import Mapping

ALARM, WARN, OK = "alarm", "warn", "ok"


def _past(value: float, limit: float, high: bool, inclusive: bool) -> bool:
    if inclusive:
        return value >= limit if high else value <= limit
    # Exclusive: past unless at or inside the limit (a NaN value is past every limit).
    return not (value <= limit) if high else not (value >= limit)


def grade(
    value: float, limits: Mapping[str, float | None], inclusive: bool = True
) -> tuple[str, float | None]:
    """ALARM, WARN or OK, with the limit crossed (None for OK). Alarm levels are
    checked before warn levels, the high side before the low side. ``inclusive``: a
    value at a limit has crossed it (sensor levels); otherwise it has not (a KPI at
    its target meets it)."""
    for name in (ALARM, WARN):
        for key, high in ((name, True), (f"low_{name}", False)):
            limit = limits.get(key)
            if limit is not None and _past(value, limit, high, inclusive):
                return name, limit
    return OK, None


def cleared(value: float, limits: Mapping[str, float | None], margin: float) -> bool:
    """Whether ``value`` is ``margin`` inside every warn level (an episode may end).
    With no warn level at all, anything under the alarm levels clears."""
    high, low = limits.get("warn"), limits.get("low_warn")
    if high is None and low is None:
        return True
    return (high is None or value < high - margin) and (
        low is None or value > low + margin
    )


def target_limits(target: float, better: str) -> dict[str, float]:
    """A KPI target and its 20 % band as levels for ``grade(..., inclusive=False)``:
    past the target is a warning, past the band an alarm. (With a negative target
    the band lies on the good side; the min/max keep every miss an alarm then.)"""
    if better == "lower":
        return {"warn": target, "alarm": max(target, target * 1.2)}
    return {"low_warn": target, "low_alarm": min(target, target * 0.8)}
