"""Fewer, truer alerts: the default rule on sensors' own levels raises only when a
level has been crossed for its minimum duration (migration 0009: 2 minutes), and an
episode ends only when the value has been back inside as long, so a flapping value
is one episode and a 30-second spike none."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from store import alerting, writes
from store.schema import AlertRule
from store.writes import Row
from tests.helpers import sensor_row

pytestmark = pytest.mark.duration
T0 = 1_795_590_000_000
S = 1000
STATION = "aq-dur-01"


@pytest.fixture
def store(engine):
    writes.sync_sensors(engine, [sensor_row(STATION, period_s=10.0)])
    return engine


def _feed(engine, values: list[float], start: int, step_s: int = 10) -> int:
    """One reading every ``step_s`` from ``start``, each judged as the ingest does;
    returns the time of the last."""
    at = start
    for i, v in enumerate(values):
        at = start + i * step_s * S
        writes.write_batch(engine, [Row(STATION, "pm25", at, v)])
        alerting.evaluate(engine, at_ms=at + 500, pairs=[(STATION, "pm25")])
    return at


def test_the_default_rule_waits_two_minutes_by_migration(store):
    with store.connect() as conn:
        rule = conn.execute(
            select(AlertRule.min_duration_s).where(
                AlertRule.name == "rule.sensor_thresholds"
            )
        ).scalar_one()
    assert rule == 120
    assert "min_duration_s" in alerting.rules(store).columns


def test_a_spike_shorter_than_the_duration_raises_nothing(store):
    # 2 minutes fine, 50 s at three times the alarm level, fine again.
    _feed(store, [20.0] * 13 + [228.0] * 6 + [20.0] * 20, T0)
    assert alerting.alerts(store).empty


def test_a_first_reading_over_the_level_on_a_fresh_start_raises_nothing_yet(store):
    _feed(store, [228.0] * 3, T0)
    assert alerting.alerts(store).empty


def test_a_level_crossed_for_the_duration_raises_at_its_severity(store):
    _feed(store, [20.0] * 13 + [228.0] * 14, T0)
    first_over = T0 + 13 * 10 * S
    df = alerting.alerts(store)
    assert len(df) == 1
    a = df.iloc[0]
    assert (a["severity"], a["last_value"], a["limit"]) == ("critical", 228.0, 75.0)
    # Raised once two whole minutes were over the alarm level, not before.
    assert int(a["raised_ms"]) == first_over + 120 * S + 500


def test_warning_held_then_alarm_held_raises_a_warning_then_makes_it_critical(store):
    _feed(store, [20.0] * 13 + [60.0] * 14 + [90.0] * 14, T0)
    df = alerting.alerts(store)
    assert len(df) == 1 and df.iloc[0]["severity"] == "critical"


def test_a_value_flapping_at_its_level_is_one_episode_until_back_inside(store):
    start = T0
    last = _feed(store, [20.0] * 13 + [90.0] * 14, start)
    # Flapping around the warn level (50) for 5 minutes: the episode holds.
    flap = [45.0, 55.0] * 15
    last = _feed(store, flap, last + 10 * S)
    df = alerting.alerts(store)
    assert len(df) == 1 and pd_missing(df.iloc[0]["resolved_ms"])
    # Back inside for two minutes: it ends, once.
    _feed(store, [20.0] * 14, last + 10 * S)
    df = alerting.alerts(store)
    assert len(df) == 1 and not pd_missing(df.iloc[0]["resolved_ms"])


def pd_missing(v) -> bool:  # noqa: ANN001
    import pandas as pd

    return bool(pd.isna(v))


def test_the_duration_is_editable_and_checked(store):
    rid = int(
        alerting.rules(store).query("name == 'rule.sensor_thresholds'")["id"].iloc[0]
    )
    alerting.update_rule(store, rid, "admin", min_duration_s=300)
    assert int(alerting.rules(store).set_index("id").loc[rid, "min_duration_s"]) == 300
    with pytest.raises(alerting.AlertError):
        alerting.update_rule(store, rid, "admin", min_duration_s=-1)
