"""The alert lifecycle on SQLite and PostgreSQL: raise once per episode, acknowledge,
resolve, escalate; and end to end from an MQTT reading through a real broker."""

from __future__ import annotations

import json
import threading
import uuid

import paho.mqtt.client as mqtt
import pytest
from sqlalchemy import func, select, update

from datasources.mqtt_ingest import IngestSettings, MqttIngest
from mqtt_url import parse_broker_url
from store import alerting, writes
from store.schema import Alert, AlertRule
from store.writes import Row
from tests.conftest import MOSQUITTO_URL
from tests.helpers import api_client, sensor_row, wait_for

T0 = 1_795_590_000_000  # 2026-11-25 07:00 UTC
STATION = "aq-alert-01"


def _rule_id(engine, name: str) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(AlertRule.id).where(AlertRule.name == name)
        ).scalar_one()


def _alerts(engine):
    return alerting.alerts(engine)


def _reading(engine, value: float, ts: int, sensor: str = STATION) -> None:
    writes.write_batch(engine, [Row(sensor, "pm25", ts, value)])


@pytest.fixture
def station(engine):
    writes.sync_sensors(engine, [sensor_row(STATION, period_s=10.0)])
    return engine


def test_default_rules_come_with_the_schema(engine):
    df = alerting.rules(engine)
    assert set(df["kind"]) == {"threshold", "stale", "rate"}
    assert df["enabled"].all()


def test_one_alert_for_a_long_episode_then_resolved(station):
    engine = station
    for i, value in enumerate([30, 60, 62, 80, 95, 70, 55, 52]):
        ts = T0 + i * 10_000
        _reading(engine, value, ts)
        alerting.evaluate(engine, at_ms=ts + 500)
    df = _alerts(engine)
    assert len(df) == 1, df
    a = df.iloc[0]
    # Raised at the first warn value, raised to critical at the alarm, peak kept.
    assert a["raised_ms"] == T0 + 10_000 + 500
    assert a["severity"] == "critical" and a["limit"] == 75
    assert a["peak"] == 95 and a["last_value"] == 52
    assert a["state"] == "open" and a["domain"] == "environment"
    # Back under the warn level: resolved, once.
    _reading(engine, 20, T0 + 90_000)
    res = alerting.evaluate(engine, at_ms=T0 + 90_500)
    assert res.resolved == 1
    df = _alerts(engine)
    assert len(df) == 1 and df.iloc[0]["state"] == "resolved"
    assert df.iloc[0]["resolved_ms"] == T0 + 90_500
    # A new spike is a new episode.
    _reading(engine, 200, T0 + 100_000)
    alerting.evaluate(engine, at_ms=T0 + 100_500)
    assert len(_alerts(engine)) == 2


def test_partial_evaluation_does_not_resolve_what_it_did_not_look_at(station):
    engine = station
    writes.sync_sensors(engine, [sensor_row("aq-alert-02")])
    _reading(engine, 90, T0)
    _reading(engine, 90, T0, sensor="aq-alert-02")
    alerting.evaluate(engine, at_ms=T0 + 100)
    assert len(_alerts(engine)) == 2
    _reading(engine, 10, T0 + 5000)
    alerting.evaluate(engine, at_ms=T0 + 5100, pairs=[(STATION, "pm25")])
    states = dict(zip(_alerts(engine)["sensor_id"], _alerts(engine)["state"]))
    assert states == {STATION: "resolved", "aq-alert-02": "open"}


def test_racing_evaluators_raise_one_alert(station):
    engine = station
    _reading(engine, 120, T0)
    barrier = threading.Barrier(4)
    errors = []

    def run():
        barrier.wait()
        try:
            alerting.evaluate(engine, at_ms=T0 + 100)
        except Exception as exc:  # the test reports any of them
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    # SQLite may refuse a concurrent writer ("database is locked"); nothing may be
    # raised twice either way.
    assert all("locked" in str(e) for e in errors), errors
    assert len(_alerts(engine)) == 1


def test_acknowledge_records_who_when_and_note(station):
    engine = station
    _reading(engine, 100, T0)
    alerting.evaluate(engine, at_ms=T0 + 100)
    alert_id = int(_alerts(engine).iloc[0]["id"])
    with pytest.raises(alerting.AlertError, match="who"):
        alerting.acknowledge(engine, alert_id, "  ", "no name")
    alerting.acknowledge(
        engine, alert_id, "Nguyễn Văn An", "Đã báo Sở TN&MT", at_ms=T0 + 60_000
    )
    a = _alerts(engine).iloc[0]
    assert a["state"] == "acknowledged"
    assert (a["acked_by"], a["ack_note"], a["acked_ms"]) == (
        "Nguyễn Văn An",
        "Đã báo Sở TN&MT",
        T0 + 60_000,
    )
    with pytest.raises(alerting.AlertError, match="already"):
        alerting.acknowledge(engine, alert_id, "Trần Thị Bình")
    with pytest.raises(alerting.AlertError, match="unknown"):
        alerting.acknowledge(engine, 999_999, "Trần Thị Bình")
    assert alerting.counts(engine) == {
        "open": 0,
        "acknowledged": 1,
        "critical": 0,
        "escalated": 0,
    }


def test_unacknowledged_critical_alert_escalates_after_the_rules_time(station):
    engine = station
    rid = _rule_id(engine, "rule.sensor_thresholds")
    alerting.update_rule(engine, rid, "admin", escalate_after_s=120)
    _reading(engine, 100, T0)
    alerting.evaluate(engine, at_ms=T0)
    assert alerting.evaluate(engine, at_ms=T0 + 119_000).escalated == 0
    _reading(engine, 101, T0 + 119_000)
    assert alerting.evaluate(engine, at_ms=T0 + 121_000).escalated == 1
    assert alerting.evaluate(engine, at_ms=T0 + 200_000).escalated == 0  # once
    assert alerting.counts(engine)["escalated"] == 1


def test_acknowledged_alert_does_not_escalate(station):
    engine = station
    _reading(engine, 100, T0)
    alerting.evaluate(engine, at_ms=T0)
    alerting.acknowledge(engine, int(_alerts(engine).iloc[0]["id"]), "An")
    assert alerting.evaluate(engine, at_ms=T0 + 10 * 3600_000).escalated == 0


def test_stale_sensor_raises_then_clears_when_it_speaks(station):
    engine = station
    _reading(engine, 20, T0)
    alerting.evaluate(engine, at_ms=T0 + 20_000)  # 2 periods: fine
    assert _alerts(engine).empty
    alerting.evaluate(engine, at_ms=T0 + 31_000)  # over 3 periods of 10 s
    df = _alerts(engine)
    assert list(df["rule_kind"]) == ["stale"] and df.iloc[0]["value"] == 31
    _reading(engine, 21, T0 + 40_000)
    alerting.evaluate(engine, at_ms=T0 + 40_100, pairs=[(STATION, "pm25")])
    assert list(_alerts(engine)["state"]) == ["resolved"]


def test_rate_rule_sees_a_river_rising(engine):
    writes.sync_sensors(
        engine,
        [
            sensor_row(
                "river-test-01",
                kind="water",
                metrics=["water_level"],
                unit="m",
                period_s=60.0,
                thresholds={"water_level": {"warn": 9, "alarm": 10}},
            )
        ],
    )
    rows = [Row("river-test-01", "water_level", T0 + m * 60_000, 3.0) for m in range(5)]
    writes.write_batch(engine, rows)
    writes.write_batch(
        engine, [Row("river-test-01", "water_level", T0 + 3600_000, 3.6)]
    )
    alerting.evaluate(engine, at_ms=T0 + 3600_500)
    df = _alerts(engine)
    assert list(df["rule_name"]) == ["rule.river_rising"], df
    assert df.iloc[0]["severity"] == "critical"
    assert df.iloc[0]["value"] == pytest.approx(0.6)


def test_rule_changes_are_checked_before_they_are_written(engine):
    rid = _rule_id(engine, "rule.river_rising")
    for bad in (
        {"threshold": float("nan")},
        {"severity": "apocalyptic"},
        {"escalate_after_s": -5},
        {"enabled": "yes"},
        {"kind": "stale"},
        {"threshold": "1; DROP TABLE alerts"},
    ):
        with pytest.raises(alerting.AlertError):
            alerting.update_rule(engine, rid, "admin", **bad)
    rule = alerting.rules(engine).set_index("id").loc[rid]
    assert rule["threshold"] == 0.5 and rule["severity"] == "critical"
    alerting.update_rule(engine, rid, "Lê Văn Cường", threshold=0.8, enabled=False)
    rule = alerting.rules(engine).set_index("id").loc[rid]
    assert (rule["threshold"], rule["enabled"], rule["updated_by"]) == (
        0.8,
        False,
        "Lê Văn Cường",
    )


def test_filters_of_the_alert_list(station):
    engine = station
    _reading(engine, 100, T0)
    alerting.evaluate(engine, at_ms=T0)
    assert len(alerting.alerts(engine, state="open", severity="critical")) == 1
    assert alerting.alerts(engine, state="resolved").empty
    assert alerting.alerts(engine, domain="mobility").empty
    assert len(alerting.alerts(engine, region="tp-bac-ninh")) == 1
    assert alerting.alerts(engine, region="' OR 1=1 --").empty


# -- end to end through a real broker ------------------------------------------------


@pytest.fixture
def live_ingest(engine, broker_url, tmp_path):
    writes.sync_sensors(engine, [sensor_row(STATION, period_s=10.0)])
    settings = IngestSettings(
        url=broker_url,
        client_id=f"ioc-test-{uuid.uuid4().hex[:8]}",
        protocol="5" if broker_url == MOSQUITTO_URL else "3.1.1",
        flush_ms=50,
        spill_path=tmp_path / "spill.jsonl",
        alerts_every_s=0.2,
    )
    ing = MqttIngest(engine, settings).start()
    wait_for(ing.subscribed.is_set, message="ingest subscription")
    addr = parse_broker_url(broker_url)
    pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"pub-{uuid.uuid4()}")
    if addr.username:  # the embedded broker refuses anonymous clients
        pub.username_pw_set(addr.username, addr.password)
    pub.connect(addr.host, addr.port)
    pub.loop_start()
    yield engine, pub, ing
    pub.disconnect()
    pub.loop_stop()
    ing.stop()


def test_mqtt_spike_to_resolved_alert(live_ingest):
    engine, pub, ing = live_ingest
    topic = f"ioc/sensors/{STATION}/data"

    def send(value: float) -> None:
        pub.publish(topic, json.dumps({"pm25": value}), qos=1).wait_for_publish(10)

    send(25)
    send(180)  # a spike
    wait_for(
        lambda: not _alerts(engine).empty, timeout=5, message=f"an alert {ing.stats}"
    )
    df = _alerts(engine)
    assert df.iloc[0]["severity"] == "critical" and df.iloc[0]["value"] == 180
    for value in (190, 210, 170):  # the same episode goes on
        send(value)
    wait_for(lambda: _alerts(engine).iloc[0]["peak"] == 210, message="peak 210")
    alerting.acknowledge(engine, int(df.iloc[0]["id"]), "Trực ban 1", "Kiểm tra trạm")
    send(12)
    wait_for(
        lambda: _alerts(engine).iloc[0]["state"] == "resolved",
        timeout=5,
        message="resolved",
    )
    final = _alerts(engine)
    assert len(final) == 1
    assert final.iloc[0]["acked_by"] == "Trực ban 1"
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Alert)).scalar_one() == 1


def test_a_disabled_rule_raises_nothing(station):
    engine = station
    with engine.begin() as conn:
        conn.execute(update(AlertRule).values(enabled=False))
    _reading(engine, 500, T0)
    alerting.evaluate(engine, at_ms=T0)
    assert _alerts(engine).empty


# -- GET /api/v1/alerts ---------------------------------------------------------------


@pytest.fixture
def api(station):
    from store import runtime

    runtime.set_engine(station)
    _reading(station, 100, T0)
    alerting.evaluate(station, at_ms=T0 + 100)
    return api_client(station)


def test_api_lists_alerts_with_filters(api):
    body = api.get("/api/v1/alerts").get_json()
    assert body["count"] == 1 and body["counts"]["critical"] == 1
    a = body["alerts"][0]
    assert (a["sensor"], a["metric"], a["severity"], a["state"]) == (
        STATION,
        "pm25",
        "critical",
        "open",
    )
    assert a["raised"] == "2026-11-25T07:00:00.100Z" and a["limit"] == 75
    assert a["acknowledged"] is None
    q = "/api/v1/alerts?state=open&severity=critical&domain=environment"
    assert api.get(q + "&district=tp-bac-ninh").get_json()["count"] == 1
    assert api.get(q + "&district=tu-son").get_json()["count"] == 0
    assert api.get("/api/v1/alerts?state=resolved").get_json()["count"] == 0


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("state=closed", "state"),
        ("severity=1%27%20OR%201=1", "severity"),
        ("domain=space", "domain"),
        ("limit=0", "limit"),
        ("limit=-3", "limit"),
        ("limit=abc", "limit"),
        ("district=" + "x" * 65, "district"),
    ],
)
def test_api_refuses_bad_alert_filters(api, query, parameter):
    resp = api.get(f"/api/v1/alerts?{query}")
    assert resp.status_code == 400
    assert resp.get_json()["error"]["parameter"] == parameter


def test_api_alerts_name_their_subject_and_keep_the_sensor_field(api):
    a = api.get("/api/v1/alerts").get_json()["alerts"][0]
    assert a["sensor"] == STATION
    assert a["subject"] == {
        "kind": "sensor",
        "id": STATION,
        "name": "Trạm Kinh Bắc",
        "name_en": "Kinh Bac",
    }
