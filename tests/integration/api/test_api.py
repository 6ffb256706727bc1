"""/api/v1 through HTTP (Flask's test client on the real app) against a real store."""

from __future__ import annotations

import pytest

from store import runtime, writes
from store.writes import Row
from tests.helpers import api_client, sensor_row

T0 = 1_795_590_000_000  # 2026-11-25T07:00:00Z


@pytest.fixture
def client(engine):
    writes.sync_sensors(
        engine,
        [
            sensor_row("aq-kinh-bac-01", thresholds={}),
            sensor_row(
                "wl-dap-cau",
                kind="water",
                name="Trạm Đáp Cầu",
                name_en="Dap Cau",
                area="vu-ninh",
                unit="m",
                metrics=["water_level"],
                period_s=15,
                thresholds={},
            ),
        ],
    )
    writes.write_batch(
        engine,
        [Row("aq-kinh-bac-01", "pm25", T0 + i * 60_000, float(i)) for i in range(120)],
    )
    runtime.set_engine(engine)
    yield api_client(engine)
    runtime.set_engine(None)


def test_sensors_lists_every_sensor_with_state(client):
    body = client.get("/api/v1/sensors").get_json()
    assert body["count"] == 2
    by_id = {s["id"]: s for s in body["sensors"]}
    assert by_id["wl-dap-cau"]["state"] == "never"
    assert by_id["aq-kinh-bac-01"]["last_seen"] == "2026-11-25T08:59:00.000Z"
    assert client.get("/api/v1/sensors?kind=water").get_json()["count"] == 1


def test_latest_gives_each_metric_with_unit_and_time(client):
    body = client.get("/api/v1/sensors/aq-kinh-bac-01/latest").get_json()
    assert body["values"] == {
        "pm25": {"value": 119.0, "ts": "2026-11-25T08:59:00.000Z", "unit": "µg/m3"}
    }


def test_series_buckets_by_step_and_reads_rollups(client):
    r = client.get(
        "/api/v1/sensors/aq-kinh-bac-01/series?metric=pm25"
        "&from=2026-11-25T14:00:00%2B07:00&to=2026-11-25T16:00:00%2B07:00&step=1h"
    )
    body = r.get_json()
    assert r.status_code == 200
    assert body["source"] == "rollup_1h" and body["step_s"] == 3600
    assert [p["count"] for p in body["points"]] == [60, 60]
    assert body["points"][0]["mean"] == pytest.approx(29.5)
    assert body["points"][1]["min"] == 60.0 and body["points"][1]["max"] == 119.0


def test_series_with_epoch_seconds_and_auto_step(client):
    r = client.get(
        f"/api/v1/sensors/aq-kinh-bac-01/series?metric=pm25&from={T0 // 1000}"
        f"&to={T0 // 1000 + 7200}"
    )
    body = r.get_json()
    assert r.status_code == 200
    assert sum(p["count"] for p in body["points"]) == 120
    assert len(body["points"]) <= 1000


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("", "metric"),
        ("metric=no2", "metric"),
        ("metric=pm25&from=yesterday", "from"),
        ("metric=pm25&from=2026-11-25T14:00:00", "from"),
        ("metric=pm25&to=nan", "to"),
        ("metric=pm25&from=1795590000&to=1795580000", "to"),
        ("metric=pm25&step=-5", "step"),
        ("metric=pm25&step=1s&from=1700000000&to=1795590000", "step"),
        ("metric=pm25&step=5x", "step"),
        ("metric=pm25&from=99999999999999", "from"),
        ("metric=pm25'%20OR%201=1--", "metric"),
    ],
)
def test_bad_series_parameters_get_a_400_with_a_json_error(client, query, parameter):
    r = client.get(f"/api/v1/sensors/aq-kinh-bac-01/series?{query}")
    assert r.status_code == 400
    err = r.get_json()["error"]
    assert err["code"] == "bad_parameter" and err["parameter"] == parameter
    assert err["message"] and "Traceback" not in r.get_data(as_text=True)


def test_unknown_sensor_is_a_404_with_a_json_error(client):
    r = client.get("/api/v1/sensors/nope'--/latest")
    assert r.status_code == 404
    assert r.get_json()["error"]["code"] == "not_found"


def test_bad_filter_value_is_a_400(client):
    r = client.get("/api/v1/sensors?state=broken")
    assert r.status_code == 400 and r.get_json()["error"]["parameter"] == "state"


def test_openapi_document_describes_every_route(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    import re

    from app import server

    routes = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
        for rule in server.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(p, m) for p, ops in doc["paths"].items() for m in ops}
    assert len(routes) >= 7 and routes == documented
    assert doc["components"]["securitySchemes"]["apiKey"]["name"] == "X-API-Key"
