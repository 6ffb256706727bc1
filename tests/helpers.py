"""Small helpers for tests: wait for a condition instead of sleeping a fixed time."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(
    condition: Callable[[], T],
    timeout: float = 10.0,
    interval: float = 0.05,
    message: str = "condition",
) -> T:
    """Poll ``condition`` until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(
        f"timed out after {timeout}s waiting for {message} (last: {last!r})"
    )


def sensor_row(sensor_id: str = "aq-kinh-bac-01", **overrides: object) -> dict:
    """A row for store.writes.sync_sensors: an air station in Kinh Bắc unless told."""
    row = {
        "id": sensor_id,
        "kind": "air",
        "name": "Trạm Kinh Bắc",
        "name_en": "Kinh Bac",
        "area": "kinh-bac",
        "region": "tp-bac-ninh",
        "lat": 21.18,
        "lon": 106.07,
        "unit": "µg/m3",
        "metrics": ["pm25", "pm10"],
        "period_s": 10.0,
        "thresholds": {"pm25": {"warn": 50, "alarm": 75}},
        "synthetic": False,
    }
    row.update(overrides)
    return row


PASSWORD = "correct-horse-battery"


def make_user(
    engine: object,
    roles: tuple[str, ...] = ("duty_officer", "admin"),
    domains: tuple[str, ...] = (),
    username: str | None = None,
    display_name: str = "Nguyễn Văn An",
    departments: tuple[str, ...] = (),
    areas: tuple[str, ...] = (),
) -> str:
    """A user with ``roles`` (password PASSWORD), narrowed to ``departments`` and
    ``areas`` when given; returns the user name."""
    import uuid

    import province
    from store import accounts

    username = username or f"u-{uuid.uuid4().hex[:10]}"
    accounts.create_user(
        engine,
        username,
        PASSWORD,
        roles,
        display_name,
        domains,
        departments,
        areas,
        profile=province.current(),
    )
    return username


def api_client(
    engine: object,
    roles: tuple[str, ...] = ("leader",),
    domains=(),
    departments: tuple[str, ...] = (),
    areas: tuple[str, ...] = (),
):
    """Flask's test client on the real app, sending an API key with ``roles`` (and
    the scope given)."""
    import province
    from app import server
    from store import accounts

    _id, key = accounts.issue_api_key(
        engine,
        "test",
        roles,
        "tests",
        domains,
        departments=departments,
        areas=areas,
        profile=province.current(),
    )
    client = server.test_client()
    client.environ_base["HTTP_X_API_KEY"] = key
    return client


def login(client: object, username: str, password: str = PASSWORD, next_path="/"):
    """Sign ``client`` in through the real form (CSRF token included); returns the
    response of the form post."""
    import re

    form = client.get("/dang-nhap")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.get_data(as_text=True))
    return client.post(
        "/dang-nhap",
        data={
            "username": username,
            "password": password,
            "csrf": csrf.group(1),
            "next": next_path,
        },
    )


def session_client(
    engine: object,
    roles=("duty_officer", "admin"),
    domains=(),
    departments: tuple[str, ...] = (),
    areas: tuple[str, ...] = (),
):
    """Flask's test client on the real app, signed in as a new user with ``roles``
    (and the scope given)."""
    from app import server

    client = server.test_client()
    user = make_user(engine, roles, domains, departments=departments, areas=areas)
    resp = login(client, user)
    assert resp.status_code == 303, resp.get_data(as_text=True)
    return client


def start_signed_in(
    dash_duo: object,
    app: object,
    roles: tuple[str, ...] = ("duty_officer", "admin"),
    domains: tuple[str, ...] = (),
    path: str = "/",
) -> str:
    """Start the app for a browser test and sign in through the real form; the
    browser then shows ``path``. Returns the user name."""
    from selenium.webdriver.common.by import By

    from store.runtime import get_engine

    username = make_user(get_engine(), roles, domains)
    dash_duo.start_server(app, navigate=False)
    base = dash_duo.server.url.rstrip("/")
    driver = dash_duo.driver
    driver.get(f"{base}/dang-nhap")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(lambda: "/dang-nhap" not in driver.current_url, message="signed in")
    dash_duo.server_url = base  # opens the overview and waits for Dash
    if path != "/":
        driver.get(base + path)
    return username


# -- Dash callback requests over HTTP, as the browser sends them ----------------------


def dash_callbacks() -> dict:
    """The app's callback map (Dash fills it from its global list on a request)."""
    from app import app, server

    server.test_client().get("/_favicon.ico")
    return app.callback_map


def dash_outputs(key: str) -> list[dict]:
    """The ``outputs`` of a callback-map key, as Dash's renderer sends them."""
    import json

    outs = []
    for part in key.strip(".").split("..."):
        cid, prop = part.strip(".").rsplit(".", 1)
        outs.append(
            {"id": json.loads(cid) if cid.startswith("{") else cid, "property": prop}
        )
    return outs


def dash_post(client, key: str, inputs=(), state=(), changed=(), origin=None):
    """POST one callback request to /_dash-update-component."""
    outputs = dash_outputs(key)
    body = {
        "output": key,
        "outputs": outputs if "..." in key else outputs[0],
        "inputs": list(inputs),
        "state": list(state),
        "changedPropIds": list(changed),
    }
    headers = {"Origin": origin} if origin else {}
    return client.post("/_dash-update-component", json=body, headers=headers)


def dash_route(client, path: str, search: str = ""):
    """Ask the Dash pages router for a page, as a navigation inside the app does."""
    key = next(k for k in dash_callbacks() if "_pages_content.children" in k)
    return dash_post(
        client,
        key,
        inputs=[
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        changed=["_pages_location.pathname"],
    )
