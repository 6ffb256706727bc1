"""A duty officer in Chromium: a critical alert shows as a toast on any page, and is
acknowledged from the alerts page with a name and a note that the store records."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from store import alerting, audit, runtime, writes
from store.writes import Row, now_ms
from tests.helpers import sensor_row, start_signed_in, wait_for

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def app_with_alert(sqlite_engine):
    writes.sync_sensors(sqlite_engine, [sensor_row(period_s=600)])
    # Over its alarm level for three minutes: longer than the default rule's
    # minimum duration (migration 0009).
    writes.write_batch(
        sqlite_engine,
        [
            Row("aq-kinh-bac-01", "pm25", now_ms() - 180_000, 180.0),
            Row("aq-kinh-bac-01", "pm25", now_ms() - 1000, 180.0),
        ],
    )
    alerting.evaluate(sqlite_engine)
    runtime.set_engine(sqlite_engine)
    from app import app

    yield app, sqlite_engine
    runtime.set_engine(None)


@pytest.mark.parametrize("width, height", [(1180, 820), (1920, 1080)])
def test_acknowledge_a_critical_alert(dash_duo, app_with_alert, width, height):
    app, engine = app_with_alert
    username = start_signed_in(dash_duo, app)
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    # Any page: the toast and the badge in the top bar. The badge polls every
    # ALERT_POLL_MS (5 s); on a loaded 2-core machine the first poll can lose its
    # place to the overview's own first callbacks, so allow the load and two polls.
    dash_duo.wait_for_contains_text("#shell-alert-text", "Trạm Kinh Bắc", timeout=20)
    dash_duo.wait_for_text_to_equal("#shell-alert-count", "1", timeout=10)
    dash_duo.driver.get(dash_duo.server_url + "/canh-bao?state=open")
    dash_duo.wait_for_contains_text("#alerts-list", "Nghiêm trọng", timeout=10)
    dash_duo.wait_for_contains_text("#alerts-list", "180,0 µg/m³", timeout=10)
    ARTIFACTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(ARTIFACTS / f"alerts-open-{width}.png"))
    button = dash_duo.driver.find_element(By.CSS_SELECTOR, "#alerts-list button")
    button.click()
    # The acknowledger is the signed-in user, not a name anyone could type.
    dash_duo.wait_for_contains_text("#alerts-ack-who", "Nguyễn Văn An", timeout=5)
    assert alerting.alerts(engine).iloc[0]["state"] == "open"
    dash_duo.find_element("#alerts-ack-note").send_keys("Đã gọi trạm quan trắc")
    dash_duo.find_element("#alerts-ack-confirm").click()
    # The open-only list empties; the acknowledged one is in the store with its note.
    dash_duo.wait_for_contains_text("#alerts-table", "Không có cảnh báo", timeout=10)
    wait_for(
        lambda: alerting.alerts(engine).iloc[0]["acked_by"],
        message="acknowledged in the store",
    )
    a = alerting.alerts(engine).iloc[0]
    assert (a["acked_by"], a["ack_note"], a["state"]) == (
        "Nguyễn Văn An",
        "Đã gọi trạm quan trắc",
        "acknowledged",
    )
    trail = audit.entries(engine, action="alerts.ack")
    assert list(trail[["actor", "target", "outcome"]].iloc[0]) == [
        username,
        str(a["id"]),
        "ok",
    ]
    dash_duo.driver.get(dash_duo.server_url + "/canh-bao?state=acknowledged")
    dash_duo.wait_for_contains_text("#alerts-list", "Nguyễn Văn An", timeout=10)
    dash_duo.driver.save_screenshot(str(ARTIFACTS / f"alerts-acked-{width}.png"))
    overflow = dash_duo.driver.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 0
    assert dash_duo.get_logs() == []


def test_a_wrong_filter_in_the_url_is_named_not_obeyed(dash_duo, app_with_alert):
    app, _engine = app_with_alert
    start_signed_in(dash_duo, app)
    dash_duo.driver.get(dash_duo.server_url + "/canh-bao?severity=<script>&state=open")
    dash_duo.wait_for_contains_text("#alerts-filter-error", "severity=<script>", 10)
    dash_duo.wait_for_contains_text("#alerts-list", "Trạm Kinh Bắc", timeout=10)
    assert dash_duo.get_logs() == []


def test_a_station_with_a_critical_alert_is_ringed_red_on_the_environment_map(
    dash_duo, app_with_alert
):
    app, _engine = app_with_alert
    start_signed_in(dash_duo, app)
    dash_duo.driver.get(dash_duo.server_url + "/moi-truong")
    script = (
        "const g = document.querySelector('#env-map .js-plotly-plot');"
        "if (!g || !g.data || !g.data[0] || !g.data[0].marker) return null;"
        "const c = g.data[0].marker.line.color;"
        "return Array.isArray(c) ? c : [c];"
    )
    rings = wait_for(
        lambda: dash_duo.driver.execute_script(script), message="the AQI map drawn"
    )
    assert "#dc3545" in rings
    assert dash_duo.get_logs() == []
