"""The alerts page opens on what needs a person: open alerts, the worst first; an
ended alert offers nothing to acknowledge; an alert's place links to its sensor."""

from __future__ import annotations

import json

from sqlalchemy import insert, select

from store import alerting, writes
from store.schema import Alert, AlertRule
from tests.helpers import sensor_row

T0 = 1_795_590_000_000


def _alert(engine, severity: str, raised: int, resolved: int | None = None) -> None:
    with engine.begin() as conn:
        rule = conn.execute(
            select(AlertRule.id).where(AlertRule.name == "rule.sensor_thresholds")
        ).scalar_one()
        conn.execute(
            insert(Alert).values(
                rule_id=rule,
                subject_kind="sensor",
                subject_id=f"aq-{severity}-{raised}",
                metric="pm25",
                domain="environment",
                area="kinh-bac",
                severity=severity,
                raised_ms=raised,
                value=80.0,
                limit=75.0,
                peak=80.0,
                last_value=80.0,
                last_ms=raised,
                acked_by="",
                ack_note="",
                resolved_ms=resolved,
            )
        )


ACK_BUTTON = "alerts-ack-button"
STATE = "alerts-state"


def _find(component, id_):  # noqa: ANN001, ANN202
    if isinstance(component, list | tuple):
        for c in component:
            found = _find(c, id_)
            if found is not None:
                return found
        return None
    if getattr(component, "id", None) == id_:
        return component
    children = getattr(component, "children", None)
    return None if children is None else _find(children, id_)


def test_the_page_opens_on_open_alerts_and_keeps_an_explicit_choice():
    from app import server  # noqa: F401 - registers the pages
    from layouts.alerts import layout

    with server.test_request_context("/canh-bao"):
        assert _find(layout(), STATE).value == "open"
        assert _find(layout(state="resolved"), STATE).value == "resolved"


def test_open_alerts_are_listed_worst_first(engine):
    writes.sync_sensors(engine, [sensor_row()])
    _alert(engine, "warning", T0 + 3)
    _alert(engine, "critical", T0 + 2)
    _alert(engine, "critical", T0 + 1)
    _alert(engine, "info", T0 + 4)
    df = alerting.alerts(engine, state="open", order="worst")
    assert list(df["severity"]) == ["critical", "critical", "warning", "info"]
    assert list(df["raised_ms"])[:2] == [T0 + 1, T0 + 2]  # the longest-lasting first


def test_an_ended_alert_offers_no_acknowledge_button_and_links_its_sensor(engine):
    writes.sync_sensors(engine, [sensor_row()])
    _alert(engine, "critical", T0, resolved=T0 + 60_000)
    _alert(engine, "critical", T0 + 1)
    from app import server  # noqa: F401 - registers the pages first
    from callbacks.alerts import alert_rows

    df = alerting.alerts(engine, order="worst")
    rows = alert_rows(df, "vi", can_ack=True)
    by_state = dict(zip(df["state"], rows, strict=True))
    ended = json.dumps(by_state["resolved"], default=str, ensure_ascii=False)
    assert ACK_BUTTON not in ended
    assert ACK_BUTTON in json.dumps(by_state["open"], default=str)
    place = by_state["open"][2][0]
    assert place.href == "/cam-bien?sensor=aq-critical-1795590000001"
