"""Browser tests run Debian's headless Chromium through dash[testing] (selenium)."""

from __future__ import annotations

import shutil

import pytest


def pytest_setup_options():
    from selenium.webdriver.chrome.options import Options

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
    return options


@pytest.fixture(autouse=True)
def _need_chromium():
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        from tests.conftest import _unavailable

        _unavailable("chromium and chromedriver", "not installed")
