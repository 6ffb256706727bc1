"""The one threshold function (store.levels) behind the sensor panels' level, the
alert judge's sensor levels and the KPI tiles' status: the same answers as the three
copies it replaced, at every boundary.

The ``_old_*`` functions are those copies as they were (store/live.py ``level``,
store/alerting.py ``judge_sensor_levels``, store/kpis.py ``status_of``), kept here as
the oracle; the tables below say the expected answers in plain words too."""

from __future__ import annotations

import itertools
import math

import pytest

from store.alerting import CLEAR, HOLD, Verdict, judge_sensor_levels
from store.kpis import status_of
from store.live import level

NAN = float("nan")


def _old_level(value, limits):
    if value is None or not isinstance(limits, dict) or value != value:
        return "ok"
    lim = {k: v for k, v in limits.items() if v is not None}
    if ("alarm" in lim and value >= lim["alarm"]) or (
        "low_alarm" in lim and value <= lim["low_alarm"]
    ):
        return "alarm"
    if ("warn" in lim and value >= lim["warn"]) or (
        "low_warn" in lim and value <= lim["low_warn"]
    ):
        return "warning"
    return "ok"


def _old_judge(thresholds, value, margin=0.0):
    for lvl, severity in (("alarm", "critical"), ("warn", "warning")):
        high, low = thresholds.get(lvl), thresholds.get(f"low_{lvl}")
        if high is not None and value >= high:
            return Verdict("fire", severity, value, float(high))
        if low is not None and value <= low:
            return Verdict("fire", severity, value, float(low))
    high, low = thresholds.get("warn"), thresholds.get("low_warn")
    if high is None and low is None:
        return CLEAR
    if (high is None or value < high - margin) and (
        low is None or value > low + margin
    ):
        return CLEAR
    return HOLD


def _old_status(value, target, better):
    if value is None:
        return "nodata"
    if better == "lower":
        return "good" if value <= target else "warn" if value <= target * 1.2 else "bad"
    return "good" if value >= target else "warn" if value >= target * 0.8 else "bad"


# A river gauge: high levels for floods, low levels for a dry river; and the
# one-sided and misconfigured (alarm inside warn) cases.
LIMITS = [
    {"warn": 4.0, "alarm": 6.0, "low_warn": 1.0, "low_alarm": 0.5},
    {"warn": 35.0, "alarm": 75.0},
    {"low_warn": 20.0, "low_alarm": 10.0},  # a battery, in %
    {"alarm": 10.0},
    {"low_alarm": 3.0},
    {"warn": 5.0, "alarm": 3.0},
    {"warn": None, "alarm": 9.0, "low_warn": None},
    {},
]


def _probes(limits: dict) -> list[float]:
    """Every limit, a hair either side, the limits +- the margins, and far away."""
    out = [-1e9, 0.0, 1e9, NAN, math.inf, -math.inf]
    for v in limits.values():
        if v is None:
            continue
        for d in (0.0, 1e-9, -1e-9, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0):
            out.append(v + d)
    return out


def _same(a: Verdict, b: Verdict) -> bool:
    def norm(x):
        return "nan" if isinstance(x, float) and x != x else x

    return tuple(map(norm, (a.status, a.severity, a.value, a.limit))) == tuple(
        map(norm, (b.status, b.severity, b.value, b.limit))
    )


@pytest.mark.parametrize("limits", LIMITS, ids=str)
def test_panel_level_is_the_old_level_at_every_boundary(limits):
    for value in [*_probes(limits), None]:
        assert level(value, limits) == _old_level(value, limits), (value, limits)
    assert level(5.0, None) == "ok" and level(5.0, "junk") == "ok"


@pytest.mark.parametrize("limits", LIMITS, ids=str)
@pytest.mark.parametrize("margin", [0.0, 0.5, 2.0])
def test_alert_judge_is_the_old_judge_at_every_boundary(limits, margin):
    for value in _probes(limits):
        new, old = (
            judge_sensor_levels(limits, value, margin),
            _old_judge(limits, value, margin),
        )
        assert _same(new, old), (value, limits, margin, new, old)


TARGETS = [100.0, 35.0, 0.0, -10.0, 1e-6, NAN]


@pytest.mark.parametrize(
    ("target", "better"), itertools.product(TARGETS, ["lower", "higher"])
)
def test_kpi_status_is_the_old_status_at_every_boundary(target, better):
    probes = [None, NAN, 0.0, -1e9, 1e9]
    for edge in (target, target * 1.2, target * 0.8):
        probes += [edge, edge + 1e-9, edge - 1e-9, edge + 1, edge - 1]
    for value in probes:
        assert status_of(value, target, better) == _old_status(value, target, better), (
            value,
            target,
            better,
        )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.4, "alarm"),
        (0.5, "alarm"),  # at low_alarm: alarm
        (0.51, "warning"),
        (1.0, "warning"),  # at low_warn: warning
        (1.01, "ok"),
        (3.99, "ok"),
        (4.0, "warning"),  # at warn: warning
        (6.0, "alarm"),  # at alarm: alarm
    ],
)
def test_river_levels_on_both_sides(value, expected):
    assert level(value, LIMITS[0]) == expected


@pytest.mark.parametrize(
    ("value", "better", "expected"),
    [
        (35.0, "lower", "good"),  # at the target: met
        (42.0, "lower", "warn"),  # at target + 20 %: still warn
        (42.01, "lower", "bad"),
        (80.0, "higher", "warn"),  # at target - 20 %: still warn
        (79.99, "higher", "bad"),
        (100.0, "higher", "good"),
    ],
)
def test_kpi_band_edges(value, better, expected):
    target = 35.0 if better == "lower" else 100.0
    assert status_of(value, target, better) == expected


def test_judge_holds_inside_the_clear_margin_and_clears_past_it():
    limits = {"warn": 35.0, "alarm": 75.0, "low_warn": 10.0}
    assert judge_sensor_levels(limits, 34.0, 2.0) == HOLD
    assert judge_sensor_levels(limits, 33.0, 2.0) == HOLD  # exactly warn - margin
    assert judge_sensor_levels(limits, 32.9, 2.0) == CLEAR
    assert judge_sensor_levels(limits, 12.0, 2.0) == HOLD  # low side: low_warn + 2
    assert judge_sensor_levels(limits, 12.1, 2.0) == CLEAR
    fired = judge_sensor_levels(limits, 9.0, 2.0)
    assert fired == Verdict("fire", "warning", 9.0, 10.0)
