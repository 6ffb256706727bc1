"""Browser: time from navigation to a fully rendered overview in headless Chromium,
and the bytes it transferred, against the sign-in page (a plain Flask page with the
same Bootstrap CSS, no Dash) as the floor of any page this server sends.

    .venv/bin/python -m bench.browser [--quick]

The web app runs under gunicorn (2 gthread workers) on the dashboard bench's store
(bench/_bigstore.py) with its ingest stand-in. Chromium (Debian's, headless, options
of tests/browser/conftest.py) signs in through the form, then opens ``/`` again and
again. "Fully rendered" is checked in the page every 20 ms: the overview's refresh has
answered (the "data as of" line is filled), the map is drawn (a Plotly ``.main-svg``)
and no ``._dash-loading`` element remains; the time is ``performance.now()`` at that
moment (milliseconds since the navigation started, so the driver's own overhead is
not counted, and the 20 ms poll is the resolution). Bytes are the ``transferSize`` of
the navigation entry and every resource entry (scripts, CSS, fonts and the Dash
requests), so compression and caching count as the browser saw them.

Cold: the first load with the browser cache cleared (CDP ``Network.clearBrowserCache``),
whose bytes are the figure. Warm: the following loads, what a person opening the
page again sees; the time figure is their median.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import statistics
import time

from bench import _bigstore as bigstore
from bench._webserver import PASSWORD, WebServer, make_users
from bench.results import Result
from bench.runner import benchmark

RENDERED = """
const asOf = document.getElementById('overview-as-of');
const map = document.querySelector('#overview-map .main-svg');
const ready = asOf && asOf.textContent.trim().length > 0 && map &&
    document.querySelectorAll('._dash-loading').length === 0;
return ready ? performance.now() : null;
"""
LOADED = "return document.readyState === 'complete' ? performance.now() : null;"
BYTES = """
const nav = performance.getEntriesByType('navigation');
const res = performance.getEntriesByType('resource');
return [...nav, ...res].reduce((s, e) => s + (e.transferSize || 0), 0);
"""


def _driver():  # noqa: ANN202 - a selenium WebDriver
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--window-size=1180,820",
    ):
        options.add_argument(flag)
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    return driver


def _wait(driver, script: str, timeout: float = 30.0) -> float:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        at = driver.execute_script(script)
        if at is not None:
            return float(at)
        time.sleep(0.02)
    raise TimeoutError(f"not rendered within {timeout} s")


def _load(driver, url: str, script: str, cold: bool) -> tuple[float, int]:  # noqa: ANN001
    if cold:
        driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    driver.get("about:blank")
    driver.get(url)
    ms = _wait(driver, script)
    time.sleep(0.3)  # let the last resource entries land before summing bytes
    return ms, int(driver.execute_script(BYTES))


def measure(quick: bool) -> list[Result]:
    from selenium.webdriver.common.by import By

    from bench.dashboard import _ingest

    store = bigstore.build(quick)
    (user,) = make_users(store.url, 1, prefix="browser")
    ctx = multiprocessing.get_context("fork")
    stop = ctx.Event()
    ingest = ctx.Process(target=_ingest, args=(store.url, store.sensors, stop))
    ingest.start()
    loads = 3 if quick else 7
    try:
        with WebServer(store.url, workers=2, threads=4) as server:
            driver = _driver()
            try:
                driver.execute_cdp_cmd("Network.enable", {})
                login = f"{server.url}/dang-nhap"
                floor_cold = _load(driver, login, LOADED, cold=True)
                floor_warm = [_load(driver, login, LOADED, False) for _ in range(loads)]
                driver.find_element(By.ID, "username").send_keys(user)
                driver.find_element(By.ID, "password").send_keys(PASSWORD)
                driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
                _wait(driver, "return location.pathname === '/' ? 1 : null;")
                home = f"{server.url}/"
                cold = _load(driver, home, RENDERED, cold=True)
                warm = [_load(driver, home, RENDERED, False) for _ in range(loads)]
            finally:
                driver.quit()
    finally:
        stop.set()
        ingest.join(10)
    warm_ms = statistics.median(m for m, _b in warm)
    floor_ms = statistics.median(m for m, _b in floor_warm)
    warm_bytes = statistics.median(b for _m, b in warm)
    floor_bytes = statistics.median(b for _m, b in floor_warm)
    where = f"{store.sensors} sensors, {store.readings:,} readings; headless Chromium"
    return [
        Result(
            "browser: overview fully rendered, warm cache (median)",
            round(warm_ms),
            "ms",
            round(floor_ms),
            "sign-in page loaded (plain Flask page)",
            at_most=2000,
            note=f"cold cache {cold[0]:.0f} ms (sign-in page cold "
            f"{floor_cold[0]:.0f} ms); warm loads "
            f"{', '.join(f'{m:.0f}' for m, _b in warm)} ms; {where}",
        ),
        Result(
            "browser: overview bytes transferred, cold cache",
            round(cold[1] / 1024 / 1024, 2),
            "MB",
            round(floor_cold[1] / 1024 / 1024, 3),
            "sign-in page, cold cache",
            at_most=2,
            note=f"{cold[1]:,} B; warm cache {warm_bytes:,.0f} B (sign-in page "
            f"warm {floor_bytes:,.0f} B)",
        ),
    ]


@benchmark("browser", order=40)
def browser(quick: bool) -> list[Result]:
    return measure(quick)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    for r in measure(args.quick):
        print(f"{r.name}: {r.value} {r.unit} (baseline {r.baseline}) {r.note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
