"""A bound on one session's requests in flight: a flood from one signed-in browser
gets quick 429s beyond it, and everyone else is still served (waitress, real HTTP)."""

from __future__ import annotations

import http.client
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import waitress
from flask import Flask

from i18n import t
from security.request_limit import SessionLimit
from tests.helpers import wait_for

BOUND = 6


def _get(port: int, path: str, cookie: str = "") -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": f"ioc_session={cookie}"} if cookie else {}
    conn.request("GET", path, headers=headers)
    resp = conn.getresponse()
    body = resp.read().decode("utf-8")
    conn.close()
    return resp.status, dict(resp.getheaders()), body


@pytest.fixture
def slow_server():
    """A Flask app whose /slow answers only when the test lets it, behind the bound,
    served by waitress with more threads than the bound."""
    release = threading.Event()
    app = Flask(__name__)

    @app.route("/slow")
    def slow() -> str:
        release.wait(30)
        return "done"

    @app.route("/fast")
    def fast() -> str:
        return "ok"

    app.wsgi_app = SessionLimit(app.wsgi_app, BOUND)
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=12)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server.effective_port, release
    finally:
        release.set()
        server.close()
        thread.join(timeout=10)


def test_one_sessions_flood_gets_429_beyond_the_bound_while_others_are_served(
    slow_server,
):
    port, release = slow_server
    with ThreadPoolExecutor(30) as pool:
        flood = [pool.submit(_get, port, "/slow", "session-a") for _ in range(30)]
        # The requests beyond the bound are answered at once, not queued.
        wait_for(
            lambda: sum(f.done() for f in flood) >= 30 - BOUND,
            timeout=20,
            message="the requests beyond the bound answered",
        )
        refused = [f.result() for f in flood if f.done()]
        assert {status for status, _, _ in refused} == {429}
        assert all(h.get("Retry-After") == "1" for _, h, _ in refused)
        # A person who sees it reads why, in their language (Vietnamese first).
        assert refused[0][2] == t("error.busy")
        # Another session, and a client without one, are served meanwhile.
        assert _get(port, "/fast", "session-b")[0] == 200
        assert _get(port, "/fast")[0] == 200
        # The flooding session itself waits for its own requests.
        assert _get(port, "/fast", "session-a")[0] == 429
        release.set()
        statuses = [f.result()[0] for f in flood]
    assert statuses.count(200) == BOUND and statuses.count(429) == 30 - BOUND
    # The slots are given back when the answers are sent.
    assert _get(port, "/fast", "session-a")[0] == 200


def test_clients_without_a_session_are_bounded_by_address(slow_server):
    port, release = slow_server
    with ThreadPoolExecutor(BOUND + 2) as pool:
        flood = [pool.submit(_get, port, "/slow") for _ in range(BOUND + 2)]
        wait_for(
            lambda: sum(f.done() for f in flood) >= 2,
            timeout=20,
            message="the requests beyond the bound answered",
        )
        assert _get(port, "/fast", "session-b")[0] == 200
        release.set()
        statuses = sorted(f.result()[0] for f in flood)
    assert statuses == [200] * BOUND + [429] * 2


def test_the_app_installs_the_bound_from_the_settings():
    from app import _cfg, server

    found = server.wsgi_app
    while not isinstance(found, SessionLimit):
        found = found.app  # ProxyFix and friends keep the wrapped app in .app
    assert found.limit == _cfg.max_requests_per_session


pytestmark = pytest.mark.timeout(120)
