"""Sensor levels through the evaluator on SQLite and PostgreSQL: hysteresis (an
episode holds inside the clear margin and ends past it) on the high side and on the
low side (a river running dry, a battery), and the subject an alert is about."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select, update

from store import alerting, writes
from store.schema import AlertRule
from store.writes import Row
from tests.helpers import sensor_row

T0 = 1_795_590_000_000
STEP = 10_000


def _sensor_levels_rule(engine, margin: float) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(AlertRule)
            .where(AlertRule.name == "rule.sensor_thresholds")
            .values(clear_margin=margin)
        )


def _run(engine, sensor: str, metric: str, values: list[float]) -> list[tuple]:
    """Feed the values one period apart, evaluating after each; the (state,
    severity, limit, peak) of the sensor's newest alert after each step."""
    seen = []
    for i, value in enumerate(values):
        ts = T0 + i * STEP
        writes.write_batch(engine, [Row(sensor, metric, ts, value)])
        alerting.evaluate(engine, at_ms=ts + 500)
        df = alerting.alerts(engine)
        df = df[df["subject_id"] == sensor]
        if df.empty:
            seen.append(None)
        else:
            a = df.iloc[0]
            seen.append((a["state"], a["severity"], a["limit"], a["peak"]))
    return seen


@pytest.fixture
def river(engine):
    writes.sync_sensors(
        engine,
        [
            sensor_row(
                "wl-cau-2",
                kind="water",
                metrics=["water_level"],
                unit="m",
                thresholds={
                    "water_level": {
                        "warn": 4.0,
                        "alarm": 6.0,
                        "low_warn": 1.0,
                        "low_alarm": 0.5,
                    }
                },
            )
        ],
    )
    _sensor_levels_rule(engine, 0.5)
    # The river-rising rate rule would join in on the way up: this test is about
    # the levels.
    with engine.begin() as conn:
        conn.execute(
            update(AlertRule).where(AlertRule.kind == "rate").values(enabled=False)
        )
    return engine


def test_rising_through_warn_and_alarm_then_holding_inside_the_margin(river):
    seen = _run(river, "wl-cau-2", "water_level", [3.0, 4.0, 6.2, 3.8, 3.5, 3.4])
    assert seen[0] is None
    assert seen[1] == ("open", "warning", 4.0, 4.0)  # at warn: raised
    assert seen[2] == ("open", "critical", 6.0, 6.2)  # at alarm: raised to critical
    # Back under warn but inside the 0.5 margin (> 3.5): the episode holds.
    assert seen[3] == ("open", "critical", 6.0, 6.2)
    assert seen[4] == ("open", "critical", 6.0, 6.2)  # exactly warn - margin: holds
    assert seen[5][0] == "resolved"  # past the margin: cleared
    assert len(alerting.alerts(river)) == 1


def test_falling_through_low_warn_and_low_alarm_then_clearing_past_the_margin(river):
    seen = _run(river, "wl-cau-2", "water_level", [2.0, 1.0, 0.4, 1.2, 1.5, 1.6])
    assert seen[0] is None
    assert seen[1] == ("open", "warning", 1.0, 1.0)  # at low_warn
    assert seen[2] == ("open", "critical", 0.5, 0.4)  # at low_alarm; peak is a minimum
    assert seen[3] == ("open", "critical", 0.5, 0.4)  # inside low_warn + margin
    assert seen[4] == ("open", "critical", 0.5, 0.4)  # exactly low_warn + margin
    assert seen[5][0] == "resolved"


def test_a_battery_low_side_only(engine):
    writes.sync_sensors(
        engine,
        [
            sensor_row(
                "sl-ly-thai-to-01",
                kind="streetlight",
                metrics=["battery"],
                unit="%",
                thresholds={"battery": {"low_warn": 20.0, "low_alarm": 10.0}},
            )
        ],
    )
    _sensor_levels_rule(engine, 5.0)
    seen = _run(engine, "sl-ly-thai-to-01", "battery", [80, 20, 9, 15, 25, 25.5])
    assert seen[:3] == [
        None,
        ("open", "warning", 20.0, 20.0),
        ("open", "critical", 10.0, 9.0),
    ]
    assert seen[3][0] == seen[4][0] == "open"  # 15 and 25 (= 20 + 5): holds
    assert seen[5][0] == "resolved"
    a = alerting.alerts(engine).iloc[0]
    assert (a["domain"], a["subject_kind"], a["sensor_id"]) == (
        "living",
        "sensor",
        "sl-ly-thai-to-01",
    )


def test_an_alert_names_its_subject_in_both_languages(engine):
    writes.sync_sensors(engine, [sensor_row("aq-subj-01")])
    writes.write_batch(engine, [Row("aq-subj-01", "pm25", T0, 90.0)])
    alerting.evaluate(engine, at_ms=T0 + 100)
    a = alerting.alerts(engine).iloc[0]
    assert (a["subject_kind"], a["subject_id"]) == ("sensor", "aq-subj-01")
    assert (a["subject_name"], a["subject_name_en"]) == ("Trạm Kinh Bắc", "Kinh Bac")
    assert (a["sensor_name"], a["sensor_name_en"]) == ("Trạm Kinh Bắc", "Kinh Bac")


def test_every_rule_kind_is_a_judge_of_a_known_subject():
    from store.subjects import SUBJECT_KINDS

    assert set(alerting.RULE_KINDS) == {"threshold", "rate", "stale"}
    for judge in alerting.JUDGES.values():
        assert judge.subject_kind in SUBJECT_KINDS
        assert judge.subject_kind in alerting.SUBJECT_SOURCES


def test_an_alert_about_another_subject_kind_is_listed_and_described(engine):
    """A subject with no labeller yet (a document) still lists, by its id, and the
    open-episode index holds per subject kind."""
    from sqlalchemy.exc import IntegrityError

    from store.schema import Alert

    with engine.connect() as conn:
        rule_id = conn.execute(select(AlertRule.id).limit(1)).scalar_one()
    row = {
        "rule_id": rule_id,
        "subject_kind": "document",
        "subject_id": "vb-123/UBND",
        "metric": "",
        "domain": "governance",
        "area": "",
        "severity": "warning",
        "raised_ms": T0,
        "last_ms": T0,
        "acked_by": "",
        "ack_note": "",
    }
    with engine.begin() as conn:
        conn.execute(Alert.__table__.insert().values(**row))
        # The same subject id as a sensor is another episode.
        conn.execute(
            Alert.__table__.insert().values(**{**row, "subject_kind": "sensor"})
        )
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(Alert.__table__.insert().values(**row))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(Alert.__table__.insert().values(**{**row, "subject_kind": "ufo"}))
    df = alerting.alerts(engine)
    doc = df[df["subject_kind"] == "document"].iloc[0]
    assert doc["subject_id"] == "vb-123/UBND" and pd.isna(doc["sensor_id"])
    from store.subjects import display_name

    assert display_name(doc, "vi") == "vb-123/UBND"
