"""/moi-truong in headless Chromium: AQI map and card, pollutant, river, noise and
weather panels; the URL remembers the area and the range; a wrong value is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import runtime, writes
from store.writes import Row, now_ms
from tests.helpers import sensor_row, start_signed_in

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
MIN = 60_000


@pytest.fixture
def env_app(sqlite_engine):
    writes.sync_sensors(
        sqlite_engine,
        [
            sensor_row(metrics=["pm25", "pm10", "no2", "so2", "co", "o3"]),
            sensor_row(
                "wl-dap-cau",
                kind="water",
                name="Trạm thủy văn Đáp Cầu",
                name_en="Dap Cau gauge",
                unit="m",
                metrics=["water_level"],
                thresholds={"water_level": {"warn": 4.3, "alarm": 5.3}},
            ),
            sensor_row(
                "ns-ngoc-han",
                kind="noise",
                name="Trạm đo tiếng ồn Ngọc Hân",
                name_en="Ngoc Han noise meter",
                unit="dBA",
                metrics=["laeq"],
                thresholds={},
            ),
            sensor_row(
                "wx-bac-ninh",
                kind="weather",
                name="Trạm khí tượng Bắc Ninh",
                name_en="Bac Ninh weather station",
                unit="Cel",
                metrics=["temperature", "humidity"],
                thresholds={},
            ),
        ],
    )
    now = now_ms()
    rows = []
    # Two consecutive hours of PM2.5 at 30 µg/m³: NowCast 30 -> VN_AQI 60 (moderate).
    for ago in (61, 1):
        ts = now - ago * MIN
        rows += [
            Row("aq-kinh-bac-01", "pm25", ts, 30.0),
            Row("wl-dap-cau", "water_level", ts, 3.1),
            Row("ns-ngoc-han", "laeq", ts, 64.0),
        ]
    rows += [
        Row("wx-bac-ninh", "temperature", now - MIN, 23.5),
        Row("wx-bac-ninh", "humidity", now - MIN, 71.0),
    ]
    writes.write_batch(sqlite_engine, rows)
    runtime.set_engine(sqlite_engine)
    from app import app

    yield app
    runtime.set_engine(None)


def _viewport(dash_duo, width: int, height: int) -> None:
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


@pytest.mark.parametrize("width, height", [(1180, 820), (1920, 1080)])
def test_environment_page_shows_aqi_rivers_noise_and_weather(
    dash_duo, env_app, width, height
):
    start_signed_in(dash_duo, env_app)
    _viewport(dash_duo, width, height)
    ARTIFACTS.mkdir(exist_ok=True)
    dash_duo.driver.get(dash_duo.server_url + "/moi-truong?district=tp-bac-ninh")
    dash_duo.wait_for_text_to_equal("#env-aqi-value", "60", timeout=10)
    dash_duo.wait_for_contains_text("#env-aqi", "Trung bình", timeout=10)
    dash_duo.wait_for_contains_text("#env-aqi", "Bụi PM2.5", timeout=10)
    dash_duo.wait_for_contains_text("#env-weather", "23,5 °C", timeout=10)
    dash_duo.wait_for_contains_text("#env-water", "Báo động III", timeout=10)
    dash_duo.wait_for_contains_text("#env-noise", "Giới hạn", timeout=10)
    dash_duo.wait_for_element("#env-pollutants .main-svg", timeout=10)
    dash_duo.wait_for_element("#env-map .scatterlayer .point", timeout=10)
    dash_duo.wait_for_no_elements("._dash-loading", timeout=10)
    for theme in ("light", "dark"):
        dash_duo.driver.execute_script(
            "document.documentElement.setAttribute('data-bs-theme', arguments[0])",
            theme,
        )
        dash_duo.driver.save_screenshot(
            str(ARTIFACTS / f"moi-truong-{width}x{height}-{theme}.png")
        )
    overflow = dash_duo.driver.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 0, f"/moi-truong scrolls sideways by {overflow}px"
    assert dash_duo.get_logs() == []


def test_filters_come_from_the_url_and_go_back_to_it(dash_duo, env_app):
    start_signed_in(dash_duo, env_app)
    dash_duo.driver.get(dash_duo.server_url + "/moi-truong?district=tu-son&range=7d")
    dash_duo.wait_for_contains_text("#env-range", "7 ngày qua", timeout=10)
    dash_duo.wait_for_contains_text("#env-district", "Từ Sơn", timeout=10)
    dash_duo.wait_for_contains_text("#env-aqi", "Không có trạm không khí", timeout=10)
    # Clearing the area shows the whole province, and the URL follows.
    dash_duo.find_element("#env-district .dash-dropdown-clear").click()
    dash_duo.wait_for_text_to_equal("#env-aqi-value", "60", timeout=10)
    assert dash_duo.driver.current_url.endswith("/moi-truong?range=7d")
    assert dash_duo.get_logs() == []


def test_wrong_values_in_the_url_are_named_not_a_traceback(dash_duo, env_app):
    start_signed_in(dash_duo, env_app)
    dash_duo.driver.get(dash_duo.server_url + "/moi-truong?district=atlantis&range=1y")
    dash_duo.wait_for_contains_text(
        "#env-filter-error", "Bỏ qua bộ lọc không hợp lệ", timeout=10
    )
    text = dash_duo.find_element("#env-filter-error").text
    assert "district=atlantis" in text and "range=1y" in text
    dash_duo.wait_for_contains_text("#env-range", "24 giờ qua", timeout=10)
    dash_duo.wait_for_text_to_equal("#env-aqi-value", "60", timeout=10)
    assert "Traceback" not in dash_duo.find_element("body").text
    assert dash_duo.get_logs() == []
