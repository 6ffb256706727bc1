"""The live sensor panel in headless Chromium: rows appear, a new reading reaches its
cell without a page reload, a click opens the sensor's drawer, no console error."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import runtime, writes
from store.writes import Row, now_ms
from tests.helpers import sensor_row, start_signed_in, wait_for

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
N_SENSORS = 60


@pytest.fixture
def panel_app(sqlite_engine):
    writes.sync_sensors(
        sqlite_engine,
        [
            sensor_row(
                f"aq-{i:02d}",
                name=f"Trạm {i:02d}",
                name_en=f"Station {i:02d}",
                metrics=["pm25"],
                thresholds={"pm25": {"warn": 50, "alarm": 75}},
            )
            for i in range(N_SENSORS)
        ],
    )
    at = now_ms()
    writes.write_batch(
        sqlite_engine,
        [
            Row(f"aq-{i:02d}", "pm25", at - m * 60_000 - 1_000, 20.0 + m % 7)
            for i in range(N_SENSORS)
            for m in range(30)
        ],
    )
    runtime.set_engine(sqlite_engine)
    from app import app

    yield app, sqlite_engine
    runtime.set_engine(None)


def _viewport(dash_duo, width: int, height: int) -> None:
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


def _cell(dash_duo, row_id: str, col: str) -> str:
    return dash_duo.driver.execute_script(
        "var c = document.querySelector("
        f'\'#sensors-table .ag-row[row-id="{row_id}"] .ag-cell[col-id="{col}"]\');'
        "return c ? c.innerText : '';"
    )


@pytest.mark.parametrize("width, height", [(1180, 820), (1920, 1080)])
def test_a_new_reading_reaches_its_cell_live_and_a_click_opens_the_drawer(
    dash_duo, panel_app, width, height
):
    app, engine = panel_app
    start_signed_in(dash_duo, app)
    _viewport(dash_duo, width, height)
    ARTIFACTS.mkdir(exist_ok=True)
    dash_duo.driver.get(dash_duo.server_url + "/cam-bien")
    dash_duo.wait_for_contains_text("#sensors-table", "Trạm 00", timeout=10)
    assert "20,0 µg/m³" in _cell(dash_duo, "aq-00", "values")
    # Virtualised: far fewer rows in the page than sensors in the grid.
    rendered = dash_duo.driver.execute_script(
        "return document.querySelectorAll('#sensors-table .ag-center-cols-container "
        ".ag-row').length"
    )
    assert 0 < rendered < N_SENSORS
    heights = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#sensors-table .ag-row'))"
        ".map(r => r.getBoundingClientRect().height)"
    )
    assert min(heights) >= 44, f"rows under 44 px: {min(heights)}"

    dash_duo.driver.execute_script("window.iocNoReload = true")
    writes.write_batch(engine, [Row("aq-00", "pm25", now_ms(), 1234.5)])
    wait_for(
        lambda: "1.234,5" in _cell(dash_duo, "aq-00", "values"),
        timeout=10,
        message="the new reading in its cell",
    )
    wait_for(lambda: _cell(dash_duo, "aq-00", "state") == "Báo động", timeout=5)
    assert dash_duo.driver.execute_script("return window.iocNoReload === true")
    overflow = dash_duo.driver.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    dash_duo.driver.save_screenshot(
        str(ARTIFACTS / f"sensors-panel-{width}x{height}.png")
    )

    dash_duo.find_element(
        '#sensors-table .ag-row[row-id="aq-00"] .ag-cell[col-id="name"]'
    ).click()
    dash_duo.wait_for_contains_text("#sensors-drawer", "Ngưỡng", timeout=10)
    dash_duo.wait_for_contains_text("#sensors-drawer", "Trạm 00", timeout=5)
    dash_duo.wait_for_element("#sensors-drawer .js-plotly-plot", timeout=10)
    dash_duo.driver.save_screenshot(
        str(ARTIFACTS / f"sensors-drawer-{width}x{height}.png")
    )
    assert dash_duo.get_logs() == []


def test_the_panel_speaks_english_and_filters_by_state(dash_duo, panel_app):
    app, engine = panel_app
    writes.write_batch(engine, [Row("aq-03", "pm25", now_ms(), 60.0)])
    start_signed_in(dash_duo, app)
    dash_duo.driver.get(dash_duo.server_url + "/")
    dash_duo.driver.add_cookie({"name": "ioc_lang", "value": "en"})
    dash_duo.driver.get(dash_duo.server_url + "/cam-bien?state=warning")
    dash_duo.wait_for_contains_text("#sensors-table", "Station 03", timeout=10)
    header = dash_duo.find_element("#sensors-table .ag-header").text
    assert "Sensor" in header and "State" in header
    assert _cell(dash_duo, "aq-03", "state") == "Warning"
    assert "Station 00" not in dash_duo.find_element("#sensors-table").text
    assert dash_duo.get_logs() == []
