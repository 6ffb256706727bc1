"""Every page opens in headless Chromium, shows live data and logs no console error."""

from __future__ import annotations

import re
from pathlib import Path

import dash
import pytest

from store import runtime, writes
from store.writes import Row, now_ms
from tests.helpers import sensor_row, start_signed_in

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def app_with_data(sqlite_engine):
    writes.sync_sensors(
        sqlite_engine, [sensor_row(metrics=["pm25"], period_s=600, thresholds={})]
    )
    writes.write_batch(
        sqlite_engine, [Row("aq-kinh-bac-01", "pm25", now_ms() - 1000, 42.5)]
    )
    writes.record_health(sqlite_engine, "mqtt-ingest", "mqtt", True)
    runtime.set_engine(sqlite_engine)
    from app import app

    yield app
    runtime.set_engine(None)


@pytest.mark.parametrize("width, height", [(1180, 820), (820, 1180), (1920, 1080)])
def test_every_page_renders_without_console_errors(
    dash_duo, app_with_data, width, height
):
    """Every page at the iPad and wall sizes: shows its content, no console error, no
    horizontal scrollbar, and a screenshot in test-artifacts/ to look at."""
    start_signed_in(dash_duo, app_with_data)
    _viewport(dash_duo, width, height)
    ARTIFACTS.mkdir(exist_ok=True)
    # What each page shows once its first callback has answered; others are pending
    # panels.
    ready = {
        "/": ("#overview-system", "1/1"),
        "/cam-bien": ("#sensors-table", "Trạm Kinh Bắc"),
        "/nguon-du-lieu": ("#sources-health", "mqtt-ingest"),
        "/bao-chi": ("#press-list", "Chưa có dữ liệu"),
        "/canh-bao": ("#alerts-rules", "Vượt ngưỡng của cảm biến"),
        "/moi-truong": ("#env-aqi", "Trạm Kinh Bắc"),
        "/he-thong": ("#admin-users-list", "Nguyễn Văn An"),
        "/bao-cao": ("#reports-archive", "Chưa có báo cáo nào"),
    }
    for page in dash.page_registry.values():
        path = page["relative_path"]
        dash_duo.driver.get(dash_duo.server_url + path)
        selector, text = ready.get(path, (".ioc-pending", "Chưa kết nối"))
        dash_duo.wait_for_contains_text(selector, text, timeout=10)
        name = path.strip("/") or "overview"
        dash_duo.driver.save_screenshot(str(ARTIFACTS / f"{name}-{width}x{height}.png"))
        overflow = dash_duo.driver.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
        foreign = dash_duo.driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)"
            ".filter(u => !u.startsWith(location.origin) && !u.startsWith('data:'))"
        )
        assert foreign == [], f"{path} asked other hosts: {foreign}"
        small = dash_duo.driver.execute_script(
            "return Array.from(document.querySelectorAll('button, .nav-link, "
            "a.ioc-tile-link')).filter(e => e.offsetParent !== null)"
            ".map(e => [e.innerText || e.title || e.className, "
            "Math.round(e.getBoundingClientRect().height)]).filter(x => x[1] < 44)"
        )
        assert small == [], f"{path}: touch targets under 44 px: {small}"
        if path == "/":
            below = dash_duo.driver.execute_script(
                "return document.documentElement.scrollHeight - window.innerHeight"
            )
            assert below <= 0, f"the overview scrolls by {below}px at {width}x{height}"
    assert dash_duo.get_logs() == []


def _viewport(dash_duo, width: int, height: int) -> None:
    """The page's own size (what a device shows), not the window's."""
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


def test_language_switch_is_remembered(dash_duo, app_with_data):
    start_signed_in(dash_duo, app_with_data)
    dash_duo.wait_for_contains_text(
        ".ioc-brand-title", "Trung tâm Điều hành", timeout=10
    )
    dash_duo.find_element("#shell-lang-button").click()
    dash_duo.wait_for_contains_text(".ioc-brand-title", "Operations Centre", timeout=10)
    dash_duo.driver.get(dash_duo.server_url + "/cam-bien")
    dash_duo.wait_for_contains_text(".ioc-brand-title", "Operations Centre", timeout=10)
    dash_duo.wait_for_contains_text("#sensors-table", "Kinh Bac", timeout=10)
    assert dash_duo.get_logs() == []


KEY_PATTERN = re.compile(
    r"\b(nav|kpi|state|status|overview|col|common|metric|unit|kind|"
    r"level|sources|pending|map|theme|lang|alerts|rule|shell)\.[a-z_]+\b"
)


def test_english_pages_show_no_translation_key(dash_duo, app_with_data):
    start_signed_in(dash_duo, app_with_data)
    dash_duo.driver.get(dash_duo.server_url + "/")
    dash_duo.driver.add_cookie({"name": "ioc_lang", "value": "en"})
    for page in dash.page_registry.values():
        dash_duo.driver.get(dash_duo.server_url + page["relative_path"])
        dash_duo.wait_for_contains_text(
            ".ioc-brand-title", "Operations Centre", timeout=10
        )
        dash_duo.wait_for_no_elements("._dash-loading", timeout=10)
        text = dash_duo.driver.find_element("tag name", "body").text
        assert not KEY_PATTERN.search(text), (
            page["relative_path"],
            KEY_PATTERN.search(text),
        )
        assert "Tổng quan" not in text
    assert dash_duo.get_logs() == []


def test_a_deep_link_opens_the_filtered_view_and_bad_values_are_named(
    dash_duo, app_with_data
):
    start_signed_in(dash_duo, app_with_data)
    dash_duo.driver.get(dash_duo.server_url + "/cam-bien?kind=water&state=bogus")
    dash_duo.wait_for_contains_text("#sensors-filter-error", "state=bogus", timeout=10)
    dash_duo.wait_for_contains_text("#sensors-table", "Chưa có dữ liệu", timeout=10)
    dash_duo.driver.get(dash_duo.server_url + "/cam-bien?kind=air")
    dash_duo.wait_for_contains_text("#sensors-table", "Trạm Kinh Bắc", timeout=10)
    assert dash_duo.get_logs() == []


def test_kiosk_mode_hides_the_chrome_goes_dark_and_cycles_pages(
    dash_duo, app_with_data
):
    start_signed_in(dash_duo, app_with_data)
    dash_duo.driver.get(dash_duo.server_url + "/?kiosk=1&pages=/,/cam-bien&every=10")
    dash_duo.wait_for_contains_text("#overview-system", "1/1", timeout=10)
    assert not dash_duo.find_element("#shell-navbar").is_displayed()
    theme = dash_duo.driver.execute_script(
        "return document.documentElement.getAttribute('data-bs-theme')"
    )
    assert theme == "dark"
    dash_duo.wait_for_contains_text("#sensors-table", "Trạm Kinh Bắc", timeout=25)
    assert dash_duo.driver.current_url.split("?")[0].endswith("/cam-bien")
    assert dash_duo.get_logs() == []
