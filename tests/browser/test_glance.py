"""The leader's glance and the duty officer's wall in Chromium: the map colours a
station in alarm red, the alert strip leads to the sensor's drawer in one tap, the
iPad in both orientations scrolls no page sideways, and the 4K wall is legible
(font sizes measured), shows a lasting banner and no buttons."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import alerting, runtime, writes
from store.writes import Row, now_ms
from tests.helpers import sensor_row, start_signed_in, wait_for

# The default rules as migrated, minimum duration included (tests/conftest.py).
pytestmark = pytest.mark.duration
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
STATION = "aq-kinh-bac-01"


@pytest.fixture
def app_in_alarm(sqlite_engine):
    writes.sync_sensors(sqlite_engine, [sensor_row(period_s=600)])
    at = now_ms()
    writes.write_batch(
        sqlite_engine,
        [
            Row(STATION, "pm25", at - 180_000, 228.0),
            Row(STATION, "pm25", at - 1000, 228.0),
        ],
    )
    alerting.evaluate(sqlite_engine)
    assert len(alerting.alerts(sqlite_engine, state="open")) == 1
    runtime.set_engine(sqlite_engine)
    from app import app

    yield app
    runtime.set_engine(None)


def _viewport(dash_duo, width: int, height: int) -> None:
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


MAP_COLOUR = """
const d = document.querySelector('#overview-map .js-plotly-plot');
if (!d || !d.data) { return null; }
for (const t of d.data) {
  if ((t.customdata || []).indexOf(arguments[0]) !== -1) { return t.marker.color; }
}
return null;
"""


@pytest.mark.parametrize("width, height", [(1180, 820), (820, 1180), (1920, 1080)])
def test_the_map_shows_the_station_in_alarm_and_the_strip_opens_its_sensor(
    dash_duo, app_in_alarm, width, height
):
    start_signed_in(dash_duo, app_in_alarm)
    _viewport(dash_duo, width, height)
    dash_duo.driver.get(dash_duo.server_url + "/")
    dash_duo.wait_for_contains_text("#overview-alerts", "228,0 µg/m³", timeout=10)
    colour = wait_for(
        lambda: dash_duo.driver.execute_script(MAP_COLOUR, STATION), message="map"
    )
    assert colour == "#dc3545"
    # The area names as drawn do not pile up.
    overlaps = dash_duo.driver.execute_script(
        "const r = Array.from(document.querySelectorAll("
        "'#overview-map .textpoint text')).map(e => e.getBoundingClientRect())"
        ".filter(b => b.width > 0);"
        "let n = 0; for (let i = 0; i < r.length; i++) for (let j = i + 1;"
        " j < r.length; j++) { const a = r[i], b = r[j];"
        " if (a.left < b.right && b.left < a.right && a.top < b.bottom"
        " && b.top < a.bottom) n++; } return [n, r.length];"
    )
    assert overlaps[0] == 0 and overlaps[1] >= 8, overlaps
    ARTIFACTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(ARTIFACTS / f"glance-{width}x{height}.png"))
    overflow = dash_duo.driver.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 0
    item = dash_duo.find_element("#overview-alerts .ioc-strip-item")
    assert item.size["height"] >= 44
    item.click()
    dash_duo.wait_for_contains_text("#sensors-drawer-body", "228,0", timeout=10)
    assert f"sensor={STATION}" in dash_duo.driver.current_url
    assert dash_duo.find_element("#sensors-drawer").is_displayed()
    assert dash_duo.get_logs() == []


def test_a_link_to_a_sensor_keeps_the_filters_and_opens_its_drawer(
    dash_duo, app_in_alarm
):
    start_signed_in(dash_duo, app_in_alarm)
    dash_duo.driver.get(dash_duo.server_url + f"/cam-bien?kind=air&sensor={STATION}")
    dash_duo.wait_for_contains_text("#sensors-drawer-body", "228,0", timeout=10)
    url = dash_duo.driver.current_url
    assert "kind=air" in url and f"sensor={STATION}" in url
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("width, height", [(1180, 820), (820, 1180)])
def test_the_alerts_table_fits_an_ipad_and_its_targets_take_a_finger(
    dash_duo, app_in_alarm, width, height
):
    start_signed_in(dash_duo, app_in_alarm)
    _viewport(dash_duo, width, height)
    dash_duo.driver.get(dash_duo.server_url + "/canh-bao")
    dash_duo.wait_for_contains_text("#alerts-table", "228,0 µg/m³", timeout=10)
    dash_duo.driver.save_screenshot(str(ARTIFACTS / f"alerts-{width}x{height}.png"))
    # The key columns without scrolling sideways, in the page or inside the table.
    wide = dash_duo.driver.execute_script(
        "const t = document.querySelector('#alerts-list');"
        "const box = t.parentElement;"
        "return [box.scrollWidth - box.clientWidth,"
        " document.documentElement.scrollWidth - window.innerWidth]"
    )
    assert wide[0] <= 0 and wide[1] <= 0, wide
    small = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('button, a.btn, .Select-clear,"
        " .dash-dropdown-clear, .btn-close')).filter(e => e.offsetParent !== null)"
        ".map(e => [e.outerHTML.slice(0, 80),"
        " Math.round(e.getBoundingClientRect().height),"
        " Math.round(e.getBoundingClientRect().width)])"
        ".filter(x => x[1] < 44 || x[2] < 44)"
    )
    assert small == [], small
    assert dash_duo.get_logs() == []


def test_the_wall_is_legible_across_a_room(dash_duo, app_in_alarm):
    start_signed_in(dash_duo, app_in_alarm)
    _viewport(dash_duo, 3840, 2160)
    dash_duo.driver.get(dash_duo.server_url + "/?kiosk=1&pages=/,/nowhere,/canh-bao")
    dash_duo.wait_for_contains_text("#overview-alerts", "228,0", timeout=10)
    banner = dash_duo.find_element("#shell-critical-banner")
    wait_for(lambda: banner.is_displayed(), message="banner")
    assert "1 cảnh báo nghiêm trọng chưa xác nhận" in banner.text
    sizes = dash_duo.driver.execute_script(
        "const px = s => parseFloat(getComputedStyle(document.querySelector(s))"
        ".fontSize);"
        "return {value: px('.ioc-tile-value'), title: px('.ioc-tile-title'),"
        " target: px('.ioc-tile-target'), banner: px('#shell-critical-banner'),"
        " strip: px('.ioc-strip-what')}"
    )
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "wall-3840x2160.png"))
    # A 3840x2160 wall of four 55" panels: 0.63 mm a pixel; a value 80 px high
    # (capitals about 57 px, 36 mm) reads at 5 m, text of 28 px (12 mm) at 3-4 m.
    assert sizes["value"] >= 80, sizes
    assert sizes["title"] >= 28 and sizes["strip"] >= 28, sizes
    assert sizes["banner"] >= 40, sizes
    below = dash_duo.driver.execute_script(
        "return document.documentElement.scrollHeight - window.innerHeight"
    )
    assert below <= 0, below
    # The alerts page on the wall: the banner stays, no filters, no buttons.
    dash_duo.driver.get(dash_duo.server_url + "/canh-bao?kiosk=1")
    dash_duo.wait_for_contains_text("#alerts-table", "228,0", timeout=10)
    wait_for(lambda: dash_duo.find_element("#shell-critical-banner").is_displayed())
    shown = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('.ioc-filter, "
        "[id*=alerts-ack-button], [id*=alerts-rule-edit]'))"
        ".filter(e => e.offsetParent !== null).length"
    )
    assert shown == 0
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "wall-alerts-3840x2160.png"))
    assert dash_duo.get_logs() == []
