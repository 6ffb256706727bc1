"""The leader's glance on the overview: the map colours a sensor by its worst open
alert, a tap on a point shows its value, time and a link to it, and the alert strip
ranks the worst open alerts first, with units, how long and whether escalated."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import insert, select

from store import alerting, runtime, writes
from store.schema import Alert, AlertRule
from store.writes import Row, now_ms
from tests.helpers import dash_callbacks, dash_outputs, sensor_row, session_client

DOMAINS = ("environment", "living", "mobility", "citizens", "economy", "governance")
MIN = 60_000


def open_alert(
    engine,
    sensor_id: str,
    severity: str,
    value: float,
    limit: float,
    raised_ms: int,
    escalated: bool = False,
    metric: str = "pm25",
) -> None:
    with engine.begin() as conn:
        rule = conn.execute(
            select(AlertRule.id).where(AlertRule.name == "rule.sensor_thresholds")
        ).scalar_one()
        conn.execute(
            insert(Alert).values(
                rule_id=rule,
                subject_kind="sensor",
                subject_id=sensor_id,
                metric=metric,
                domain="environment",
                area="kinh-bac",
                severity=severity,
                raised_ms=raised_ms,
                value=value,
                limit=limit,
                peak=value,
                last_value=value,
                last_ms=raised_ms,
                acked_by="",
                ack_note="",
                escalated_ms=raised_ms + 1 if escalated else None,
            )
        )


@pytest.fixture
def station(sqlite_engine):
    at = now_ms()
    writes.sync_sensors(
        sqlite_engine,
        [
            sensor_row("aq-bad", period_s=600),
            sensor_row("aq-fine", period_s=600, name="Trạm Đình Bảng"),
        ],
    )
    writes.write_batch(
        sqlite_engine,
        [Row("aq-bad", "pm25", at - 5_000, 228.0), Row("aq-fine", "pm25", at, 20.0)],
    )
    runtime.set_engine(sqlite_engine)
    yield sqlite_engine
    runtime.set_engine(None)


def _post(
    client, key: str, inputs: list, state: list | None = None, outputs=None
) -> dict:  # noqa: ANN001
    resp = client.post(
        "/_dash-update-component",
        json={
            "output": key,
            "outputs": outputs if outputs is not None else dash_outputs(key),
            "inputs": inputs,
            "state": state or [],
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs],
        },
    )
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return resp.get_json()["response"]


def overview(client, n=None, classes=None) -> dict:  # noqa: ANN001
    key = next(k for k in dash_callbacks() if "overview-map.figure" in k)
    outputs = [
        [{"id": {**o["id"], "domain": d}, "property": o["property"]} for d in DOMAINS]
        if isinstance(o["id"], dict)
        else o
        for o in dash_outputs(key)
    ]
    state = []
    for s in dash_callbacks()[key]["state"]:
        if s["id"].startswith("{"):
            s = {**s, "id": json.loads(s["id"])}
            state.append(
                [
                    {
                        "id": {"type": s["id"]["type"], "domain": d},
                        "property": s["property"],
                        "value": (classes or {}).get(d),
                    }
                    for d in DOMAINS
                ]
            )
        else:
            state.append({"id": s["id"], "property": s["property"], "value": None})
    return _post(
        client,
        key,
        [{"id": "overview-interval", "property": "n_intervals", "value": n}],
        state,
        outputs,
    )


def test_the_map_draws_a_sensor_in_alarm_red_though_it_reports(station):
    open_alert(station, "aq-bad", "critical", 228.0, 75.0, now_ms() - 30 * MIN)
    client = session_client(station, ("leader",))
    fig = overview(client)["overview-map"]["figure"]
    layers = {t["name"]: t for t in fig["data"] if t.get("mode") == "markers"}
    assert layers["Báo động (nghiêm trọng)"]["customdata"] == ["aq-bad"]
    assert layers["Báo động (nghiêm trọng)"]["marker"]["color"] == "#dc3545"
    assert layers["Bình thường"]["customdata"] == ["aq-fine"]


def test_a_tap_on_a_point_shows_its_value_time_and_a_link_to_the_sensor(station):
    open_alert(station, "aq-bad", "critical", 228.0, 75.0, now_ms() - 30 * MIN)
    client = session_client(station, ("leader",))
    key = next(k for k in dash_callbacks() if "overview-map-point.children" in k)
    out = _post(
        client,
        key,
        [
            {
                "id": "overview-map",
                "property": "clickData",
                "value": {"points": [{"customdata": "aq-bad"}]},
            },
            {"id": "overview-map-point-close", "property": "n_clicks", "value": None},
        ],
    )
    text = json.dumps(out["overview-map-point"]["children"], ensure_ascii=False)
    assert "228,0 µg/m³" in text
    assert "Nghiêm trọng" in text
    assert "/cam-bien?sensor=aq-bad" in text
    assert out["overview-map-point-box"]["className"] == "ioc-map-point"


def test_a_staff_member_cannot_tap_open_a_sensor_outside_their_domains(station):
    client = session_client(station, ("staff",), domains=("mobility",))
    key = next(k for k in dash_callbacks() if "overview-map-point.children" in k)
    resp = client.post(
        "/_dash-update-component",
        json={
            "output": key,
            "outputs": dash_outputs(key),
            "inputs": [
                {
                    "id": "overview-map",
                    "property": "clickData",
                    "value": {"points": [{"customdata": "aq-bad"}]},
                },
                {
                    "id": "overview-map-point-close",
                    "property": "n_clicks",
                    "value": None,
                },
            ],
            "state": [],
            "changedPropIds": ["overview-map.clickData"],
        },
    )
    assert resp.status_code == 204  # PreventUpdate: nothing of the sensor is sent


def test_the_strip_ranks_the_worst_first_with_units_duration_and_escalation(station):
    at = now_ms()
    # Newest, but only a warning: listed after the critical ones.
    open_alert(station, "aq-fine", "warning", 60.0, 50.0, at - 1 * MIN)
    # Critical, just over its limit.
    open_alert(station, "aq-bad", "critical", 76.0, 75.0, at - 5 * MIN, metric="pm10")
    # Critical and escalated: first although older and not the furthest over.
    open_alert(
        station, "aq-bad", "critical", 228.0, 75.0, at - 120 * MIN, escalated=True
    )
    client = session_client(station, ("leader",))
    strip = overview(client)["overview-alerts"]["children"]
    items = [c for c in strip if "ioc-strip-item" in c["props"].get("className", "")]
    texts = [json.dumps(i, ensure_ascii=False) for i in items]
    assert len(items) == 3
    assert "228,0 µg/m³" in texts[0] and "Đã chuyển cấp" in texts[0]
    assert "đã kéo dài 2 giờ" in texts[0]
    assert items[0]["props"]["href"] == "/cam-bien?sensor=aq-bad"
    assert "76,0 µg/m³" in texts[1] and "Nghiêm trọng" in texts[1]
    assert "60,0 µg/m³" in texts[2]


def test_worst_first_breaks_ties_by_how_far_over_the_limit_then_age():
    import pandas as pd

    df = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "severity": ["critical"] * 3,
            "escalated_ms": [None, None, None],
            "last_value": [80.0, 150.0, 150.0],
            "limit": [75.0, 75.0, 75.0],
            "raised_ms": [100, 200, 50],
        }
    )
    assert list(alerting.worst_first(df, at_ms=1000)["id"]) == [3, 2, 1]
