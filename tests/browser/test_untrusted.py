"""XSS payloads in every kind of untrusted input that reaches a page (sensor names
and ids, readings' alerts, press items, citizens' reports, dead letters, an
acknowledgement's name and note, the audit trail) stay text in the browser: the
payload is visible as text, no injected element exists and nothing ran."""

from __future__ import annotations

import pytest

from store import accounts, alerting, audit, runtime, writes
from store.writes import Dead, Row, now_ms
from tests.helpers import make_user, sensor_row, start_signed_in

IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=1</script>"
SVG = '"><svg onload="window.__xss=1">'
BOLD = "<b>in đậm</b>"
SENSOR_ID = "xss-1'\"><svg onload=window.__xss=1>"
SENSOR_NAME = f"Trạm {IMG}"
JS_LINK = "javascript:window.__xss=1"
ALL_ROLES = ("leader", "duty_officer", "staff", "admin")
# Elements an injection would create; none may exist on any page.
INJECTED = (
    "img[src='x'], svg[onload], [onerror], [onload], a[href^='javascript'], "
    "iframe, object, embed"
)


@pytest.fixture
def hostile_app(sqlite_engine):
    at = now_ms() - 60_000
    writes.sync_sensors(
        sqlite_engine,
        [
            sensor_row(
                SENSOR_ID,
                name=SENSOR_NAME,
                name_en=SENSOR_NAME,
                metrics=["pm25"],
                period_s=600,
            ),
            sensor_row(
                "noise-xss",
                kind="noise",
                name=f"Đo ồn {BOLD}",
                name_en=f"Noise {BOLD}",
                metrics=["laeq"],
                thresholds={},
            ),
        ],
    )
    writes.write_batch(
        sqlite_engine,
        [Row(SENSOR_ID, "pm25", at, 180.0), Row("noise-xss", "laeq", at, 60.0)],
        [Dead(f"ioc/sensors/{SCRIPT}/data", f"{{{IMG}}}", f"bad_json: {SVG}", at)],
    )
    writes.record_health(sqlite_engine, f"rss:{SCRIPT}", "rss", False, error=IMG)
    writes.upsert_press_items(
        sqlite_engine,
        [
            {
                "guid": "xss-1",
                "source": SCRIPT,
                "title": f"Tin {IMG}",
                "link": JS_LINK,
                "summary": SVG,
                "category": BOLD,
                "published_ms": at,
                "fetched_ms": at,
            }
        ],
    )
    writes.upsert_citizen_reports(
        sqlite_engine,
        [
            {
                "id": "r-xss",
                "source": "open311",
                "status": "open",
                "service_name": f"Rác {SVG}",
                "description": IMG,
                "lat": 21.18,
                "lon": 106.07,
                "requested_ms": at,
            }
        ],
    )
    alerting.evaluate(sqlite_engine, at_ms=at + 100)
    alert_id = int(alerting.alerts(sqlite_engine).iloc[0]["id"])
    alerting.acknowledge(sqlite_engine, alert_id, f"Trực ban {SVG}", f"Ghi chú {IMG}")
    make_user(sqlite_engine, ("staff",), ("environment",), display_name=f"Cán bộ {SVG}")
    audit.record(sqlite_engine, f"actor {SCRIPT}"[:64], "test.write", IMG, {"x": SVG})
    runtime.set_engine(sqlite_engine)
    from app import app

    yield app
    runtime.set_engine(None)


def _assert_inert(dash_duo, path: str) -> None:
    driver = dash_duo.driver
    assert driver.execute_script("return typeof window.__xss") == "undefined", path
    found = driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]))"
        ".map(e => e.outerHTML.slice(0, 120))",
        INJECTED,
    )
    assert found == [], (path, found)
    scripts = driver.execute_script(
        "return Array.from(document.scripts).filter(s => "
        "s.textContent.includes('__xss')).length"
    )
    assert scripts == 0, path
    bold = driver.execute_script(
        "return Array.from(document.querySelectorAll('b, svg text tspan'))"
        ".filter(e => e.textContent.includes('in đậm')"
        " && getComputedStyle(e).fontWeight >= 700).length"
    )
    assert bold == 0, (path, "markup from data was rendered")


PAGES = [
    # path, selector, the payload text that must show as text
    ("/cam-bien", "#sensors-table", SENSOR_NAME),
    # The alert is acknowledged: the page opens on open alerts, so ask for it.
    ("/canh-bao?state=acknowledged", "#alerts-table", f"Ghi chú {IMG}"),
    ("/canh-bao?state=acknowledged", "#alerts-table", f"Trực ban {SVG}"),
    ("/canh-bao?state=acknowledged", "#alerts-table", SENSOR_NAME),
    ("/bao-chi", "#press-list", f"Tin {IMG}"),
    ("/bao-chi", "#press-list", SVG),
    ("/", "#overview-press", f"Tin {IMG}"),
    ("/nguon-du-lieu", "#sources-dead", f"{{{IMG}}}"),
    ("/nguon-du-lieu", "#sources-dead", f"bad_json: {SVG}"),
    ("/nguon-du-lieu", "#sources-health", f"rss:{SCRIPT}"),
    ("/he-thong", "#admin-users-list", f"Cán bộ {SVG}"),
    ("/he-thong", "#admin-audit", IMG),
    ("/moi-truong", "#env-aqi", SENSOR_NAME),
]


def test_xss_payloads_in_untrusted_data_stay_text_on_every_page(dash_duo, hostile_app):
    start_signed_in(dash_duo, hostile_app, ALL_ROLES)
    driver = dash_duo.driver
    for path, selector, text in PAGES:
        if not driver.current_url.split("?")[0].endswith(path):
            driver.get(dash_duo.server_url + path)
        if selector == "#admin-audit":  # the audit trail is the third tab
            driver.find_element("partial link text", "Nhật ký").click()
        dash_duo.wait_for_contains_text(selector, text, timeout=15)
        _assert_inert(dash_duo, path)
    # The press item's javascript: link is shown as text, never as a link.
    driver.get(dash_duo.server_url + "/bao-chi")
    dash_duo.wait_for_contains_text("#press-list", f"Tin {IMG}", timeout=10)
    links = driver.execute_script(
        "return Array.from(document.querySelectorAll('#press-list a'))"
        ".map(a => a.getAttribute('href'))"
    )
    assert links == []
    _assert_inert(dash_duo, "/bao-chi")
    assert dash_duo.get_logs() == []


def test_names_in_charts_are_escaped_for_plotly(dash_duo, hostile_app):
    """Plotly renders <b>, <a href> and <br> in text, legends and hover labels:
    names from the store reach it escaped and show as the characters they are."""
    start_signed_in(dash_duo, hostile_app, ALL_ROLES, path="/moi-truong")
    dash_duo.wait_for_contains_text("#env-aqi", SENSOR_NAME, timeout=15)
    dash_duo.wait_for_contains_text("#env-noise", f"Đo ồn {BOLD}", timeout=15)
    _assert_inert(dash_duo, "/moi-truong")
    figure = dash_duo.driver.execute_script(
        "return document.querySelector('#env-map .js-plotly-plot').data[0].hovertext"
    )
    assert any("&lt;img" in h for h in figure), figure
    dash_duo.driver.get(dash_duo.server_url + "/")
    dash_duo.wait_for_contains_text("#overview-press", f"Tin {IMG}", timeout=15)
    texts = dash_duo.driver.execute_script(
        "const d = document.querySelector('#overview-map .js-plotly-plot');"
        "return d ? d.data.map(t => t.text).flat().filter(x => typeof x === 'string')"
        " : null"
    )
    assert texts and any("&lt;img" in x for x in texts), texts
    assert any("&quot;&gt;&lt;svg" in x or '"&gt;&lt;svg' in x for x in texts)
    _assert_inert(dash_duo, "/")
    assert dash_duo.get_logs() == []


def test_a_display_name_from_the_store_is_text_in_the_user_menu(dash_duo, hostile_app):
    from store.runtime import get_engine

    name = start_signed_in(dash_duo, hostile_app, ALL_ROLES)
    uid = next(u["id"] for u in accounts.users(get_engine()) if u["username"] == name)
    accounts.update_user(get_engine(), uid, display_name=f"An {IMG}")
    dash_duo.driver.get(dash_duo.server_url + "/canh-bao?state=acknowledged")
    dash_duo.wait_for_contains_text("#alerts-table", SENSOR_NAME, timeout=15)
    dash_duo.find_element("#shell-user-menu .dropdown-toggle").click()
    dash_duo.wait_for_contains_text("#shell-user-menu", f"An {IMG}", timeout=10)
    _assert_inert(dash_duo, "user menu")
    assert dash_duo.get_logs() == []
