"""The report page in Chromium: a staff member of the environment domain makes a
day's PDF and workbook by clicking, watches it finish, and downloads both; at the
iPad's and the wall's sizes, with no console error and no request to another host."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from selenium.webdriver.common.by import By

from reports import jobs
from store import runtime, writes
from store.writes import Row, now_ms
from tests.helpers import sensor_row, start_signed_in

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def app_with_data(sqlite_engine):
    writes.sync_sensors(sqlite_engine, [sensor_row(period_s=600, thresholds={})])
    now = now_ms()
    writes.write_batch(
        sqlite_engine,
        [
            Row("aq-kinh-bac-01", "pm25", now - i * 600_000, 30.0 + i % 20)
            for i in range(300)
        ],
    )
    runtime.set_engine(sqlite_engine)
    from app import app

    yield app
    runtime.set_engine(None)
    # The pool's threads belong to this test's server: the next starts its own.
    jobs.shutdown()


@pytest.mark.parametrize("width, height", [(1180, 820), (1920, 1080)])
def test_staff_make_a_report_by_clicking_and_download_it(
    dash_duo, app_with_data, width, height
):
    start_signed_in(
        dash_duo,
        app_with_data,
        roles=("staff",),
        domains=("environment",),
        path="/bao-cao",
    )
    driver = dash_duo.driver
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    dash_duo.wait_for_contains_text(
        "#reports-archive", "Chưa có báo cáo nào", timeout=10
    )
    # Staff see only their own domain to choose.
    assert (
        dash_duo.find_element("#reports-domains").text.strip()
        == "Môi trường thông minh"
    )
    driver.find_element(By.XPATH, "//label[normalize-space()='Ngày']").click()
    driver.find_element(By.XPATH, "//label[normalize-space()='CSV']").click()
    dash_duo.find_element("#reports-make").click()
    dash_duo.wait_for_contains_text(
        "#reports-status", "Báo cáo đã sẵn sàng", timeout=90
    )
    dash_duo.wait_for_contains_text("#reports-archive", "Xong", timeout=10)
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"bao-cao-made-{width}x{height}.png"))
    links = {
        a.text.strip(): a.get_attribute("href")
        for a in driver.find_elements(By.CSS_SELECTOR, "#reports-result a")
    }
    assert set(links) == {"PDF", "XLSX", "CSV"}, links
    files = {}
    for name, href in links.items():
        data = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => "
            "done(Array.from(new Uint8Array(b)))).catch(e => done(String(e)));",
            href,
        )
        assert isinstance(data, list), data
        files[name] = bytes(data)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(files["PDF"])).pages)
    assert "Môi trường thông minh" in text and "Bụi mịn PM2.5 trung bình" in text
    assert (
        load_workbook(io.BytesIO(files["XLSX"])).sheetnames[1]
        == "Môi trường thông minh"
    )
    assert files["CSV"].startswith(b"\xef\xbb\xbf")
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 0, f"/bao-cao scrolls sideways by {overflow}px at {width}px"
    foreign = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(u => !u.startsWith(location.origin) && !u.startsWith('data:'))"
    )
    assert foreign == []
    assert dash_duo.get_logs() == []
