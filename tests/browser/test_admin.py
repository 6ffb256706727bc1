"""Sign-in, the admin page and sign-out in headless Chromium, with the CSP header on
(a violation would be a console error)."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from store import accounts, audit, runtime, writes
from tests.helpers import PASSWORD, make_user, sensor_row, start_signed_in, wait_for

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def app(sqlite_engine):
    writes.sync_sensors(sqlite_engine, [sensor_row(period_s=600)])
    runtime.set_engine(sqlite_engine)
    from app import app

    yield app
    runtime.set_engine(None)


@pytest.mark.parametrize("width, height", [(1180, 820), (1920, 1080)])
def test_sign_in_page_refuses_a_wrong_password_then_lets_the_user_in(
    dash_duo, app, width, height
):
    name = make_user(runtime.get_engine(), ("leader",))
    dash_duo.start_server(app, navigate=False)
    base = dash_duo.server.url.rstrip("/")
    driver = dash_duo.driver
    driver.set_window_size(width, height)
    driver.get(base + "/moi-truong?range=7d")  # a deep link, before signing in
    wait_for(lambda: "/dang-nhap" in driver.current_url, message="sent to sign in")
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"login-{width}x{height}.png"))
    driver.find_element(By.ID, "username").send_keys(name)
    driver.find_element(By.ID, "password").send_keys("not-the-password")
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(
        lambda: "không đúng" in driver.find_element(By.CSS_SELECTOR, ".alert").text,
        message="the refusal",
    )
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    # Back to the deep link it asked for.
    wait_for(lambda: "/moi-truong?range=7d" in driver.current_url, message="deep link")
    dash_duo.wait_for_element("#env-aqi", timeout=10)
    assert dash_duo.get_logs() == []


def test_admin_adds_a_user_issues_a_key_and_reads_the_trail(dash_duo, app):
    admin = start_signed_in(dash_duo, app, roles=("admin",), path="/he-thong")
    engine = runtime.get_engine()
    dash_duo.wait_for_contains_text("#admin-users-list", admin, timeout=10)
    dash_duo.find_element("#admin-new-username").send_keys("binh.tran")
    dash_duo.find_element("#admin-new-name").send_keys("Trần Thị Bình")
    dash_duo.find_element("#admin-new-password").send_keys("mật-khẩu-đủ-dài")
    dash_duo.driver.find_element(
        By.CSS_SELECTOR, "#admin-new-roles input[value=duty_officer]"
    ).click()
    dash_duo.find_element("#admin-new-submit").click()
    dash_duo.wait_for_contains_text("#admin-new-result", "binh.tran", timeout=10)
    dash_duo.wait_for_contains_text("#admin-users-list", "Trần Thị Bình", timeout=10)
    assert accounts.verify_password(engine, "binh.tran", "mật-khẩu-đủ-dài").roles == {
        "duty_officer"
    }
    ARTIFACTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "admin-users-1180x820.png"))

    # API keys tab: a key is shown once and then works.
    dash_duo.driver.find_element(By.LINK_TEXT, "Khóa API").click()
    dash_duo.find_element("#admin-key-name").send_keys("Hệ thống SCADA")
    dash_duo.find_element("#admin-key-submit").click()
    dash_duo.wait_for_element("#admin-key-value", timeout=10)
    key = dash_duo.find_element("#admin-key-value").text
    assert accounts.check_api_key(engine, key).display_name == "Hệ thống SCADA"
    dash_duo.wait_for_contains_text("#admin-keys-list", "Hệ thống SCADA", timeout=10)

    # Audit tab: both changes, by this admin.
    dash_duo.driver.find_element(By.LINK_TEXT, "Nhật ký thao tác").click()
    dash_duo.wait_for_contains_text("#admin-audit-list", "Cấp khóa API", timeout=10)
    dash_duo.wait_for_contains_text("#admin-audit-list", "Tạo tài khoản", timeout=10)
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "admin-audit-1180x820.png"))
    trail = audit.entries(engine)
    mine = trail[trail["actor"] == admin]
    assert {"login", "users.create", "apikeys.issue"} <= set(mine["action"])
    assert dash_duo.get_logs() == []


def test_staff_see_only_their_pages_and_sign_out(dash_duo, app):
    start_signed_in(dash_duo, app, roles=("staff",), domains=("environment",))
    dash_duo.find_element("#shell-menu-button").click()
    dash_duo.wait_for_contains_text("#shell-menu", "Môi trường thông minh", timeout=5)
    menu = dash_duo.find_element("#shell-menu").text
    assert "Quản trị hệ thống" not in menu and "An ninh mạng" not in menu
    # Navigating inside the app to a page it may not read shows the refusal.
    dash_duo.driver.get(dash_duo.server_url + "/moi-truong")
    dash_duo.wait_for_element("#env-aqi", timeout=10)
    dash_duo.driver.execute_script(
        "window.history.pushState({}, '', '/he-thong');"
        "window.dispatchEvent(new PopStateEvent('popstate'));"
    )
    dash_duo.wait_for_contains_text(".ioc-forbidden", "không có quyền", timeout=10)
    assert not dash_duo.driver.find_elements(By.ID, "admin-users")
    # Sign out from the account menu.
    dash_duo.find_element("#shell-user-menu button").click()
    dash_duo.wait_for_element("#shell-user-menu form button", timeout=5).click()
    wait_for(lambda: "/dang-nhap" in dash_duo.driver.current_url, message="signed out")
    assert (
        "đã đăng xuất" in dash_duo.driver.find_element(By.CSS_SELECTOR, ".alert").text
    )
    dash_duo.driver.get(dash_duo.server_url + "/moi-truong")
    wait_for(lambda: "/dang-nhap" in dash_duo.driver.current_url, message="refused")
