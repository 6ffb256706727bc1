"""Access control through HTTP, as a tester without an account or with the wrong role
would try it: every page, every Dash callback, the REST API, sessions, the sign-in
rate limit, the audit trail and the security headers."""

from __future__ import annotations

import json
import re

import dash
import pytest
from sqlalchemy import text, update

from security import policy
from store import accounts, alerting, audit, runtime, writes
from store.accounts import Principal
from store.schema import WebSession
from store.writes import Row, now_ms
from tests.helpers import (
    PASSWORD,
    api_client,
    dash_route,
    login,
    make_user,
    sensor_row,
    session_client,
)
from tests.helpers import (
    dash_callbacks as _callbacks,
)
from tests.helpers import (
    dash_outputs as _outputs,
)
from tests.helpers import (
    dash_post as _post,
)

T0 = now_ms() - 60_000


@pytest.fixture
def store(engine):
    writes.sync_sensors(engine, [sensor_row(period_s=600)])
    writes.write_batch(engine, [Row("aq-kinh-bac-01", "pm25", T0, 180.0)])
    alerting.evaluate(engine, at_ms=T0 + 100)
    runtime.set_engine(engine)
    import app  # noqa: F401 - registers pages and callbacks

    yield engine
    runtime.set_engine(None)


def _server():
    from app import server

    return server


def _owner_page(key: str) -> str | None:
    from security.web import id_owners

    owners = id_owners()
    pages = set()
    for o in _outputs(key):
        cid = o["id"]["type"] if isinstance(o["id"], dict) else o["id"]
        pages |= owners[cid]
    pages.discard(None)
    return pages.pop() if pages else None


# -- pages -----------------------------------------------------------------------------


def test_every_page_sends_an_anonymous_visitor_to_the_sign_in_page(store):
    client = _server().test_client()
    for page in dash.page_registry.values():
        resp = client.get(page["path"] + "?x=1")
        assert resp.status_code == 302, page["path"]
        assert resp.headers["Location"].startswith("/dang-nhap?next=" + page["path"])
    for dash_path in ("/_dash-layout", "/_dash-dependencies"):
        assert client.get(dash_path).status_code == 401


ROLE_CASES = [
    (("leader",), ()),
    (("duty_officer",), ()),
    (("staff",), ("environment",)),
    (("staff",), ()),
    (("admin",), ()),
]


@pytest.mark.parametrize("roles, domains", ROLE_CASES)
def test_each_page_is_served_or_refused_by_role_on_the_server(store, roles, domains):
    client = session_client(store, roles, domains)
    who = Principal(0, "t", "t", "user", frozenset(roles), frozenset(domains))
    served, refused = [], []
    for page in dash.page_registry.values():
        status = client.get(page["path"]).status_code
        (served if status == 200 else refused).append(page["path"])
        expected = 200 if policy.can_view(who, page["path"]) else 403
        assert status == expected, (roles, domains, page["path"])
    if roles == ("staff",) and domains == ("environment",):
        assert "/moi-truong" in served and "/cam-bien" in served
        assert {"/kinh-te", "/he-thong", "/an-ninh-mang", "/nguon-du-lieu"} <= set(
            refused
        )
    if roles == ("admin",):
        assert refused == []
    if roles == ("duty_officer",):
        assert refused == ["/he-thong"]


def test_the_dash_router_renders_a_refusal_not_the_page(store):
    """Navigating inside the app (no page load) asks the router callback for the
    layout: a page the role may not read comes back as the refusal panel."""
    client = session_client(store, ("staff",), ("environment",))
    resp = dash_route(client, "/he-thong")
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "ioc-forbidden" in body and "admin-users" not in body


# -- every Dash callback ---------------------------------------------------------------


def test_every_callback_refuses_a_request_without_a_session(store):
    client = _server().test_client()
    keys = list(_callbacks())
    assert len(keys) > 15
    for key in keys:
        resp = _post(client, key)
        assert resp.status_code == 401, key
        assert resp.get_json()["error"]["code"] == "sign_in"


@pytest.mark.parametrize("roles, domains", ROLE_CASES)
def test_every_callback_of_a_page_the_role_may_not_read_is_refused(
    store, roles, domains
):
    client = session_client(store, roles, domains)
    who = Principal(0, "t", "t", "user", frozenset(roles), frozenset(domains))
    refused = 0
    for key in _callbacks():
        page = _owner_page(key)
        if page is None or policy.can_view(who, page):
            continue
        resp = _post(client, key)
        assert resp.status_code == 403, (roles, key)
        refused += 1
    if roles != ("admin",):
        assert refused > 0


def test_a_callback_request_from_another_site_is_refused(store):
    client = session_client(store)
    key = next(k for k in _callbacks() if "shell-alert-count" in k)
    resp = _post(client, key, origin="http://evil.example")
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "cross_origin"


# -- writes: refused with the wrong role, done and audited with the right one ----------


def _ack_request(client, alert_id: int, note: str):
    key = next(k for k in _callbacks() if "alerts-ack-done.data" in k)
    return _post(
        client,
        key,
        inputs=[
            [],
            {"id": "alerts-ack-cancel", "property": "n_clicks", "value": None},
            {"id": "alerts-ack-confirm", "property": "n_clicks", "value": 1},
        ],
        state=[
            {"id": "alerts-ack-target", "property": "data", "value": alert_id},
            {"id": "alerts-ack-note", "property": "value", "value": note},
        ],
        changed=["alerts-ack-confirm.n_clicks"],
    )


def test_acknowledging_needs_the_duty_officer_role_and_is_audited(store):
    alert_id = int(alerting.alerts(store).iloc[0]["id"])
    leader = session_client(store, ("leader",))
    assert _ack_request(leader, alert_id, "thử").status_code == 403
    assert alerting.alerts(store).iloc[0]["state"] == "open"
    refused = audit.entries(store, action="access.denied")
    assert list(refused[["target", "outcome"]].iloc[0]) == ["alerts.ack", "refused"]

    duty_name = make_user(store, ("duty_officer",), display_name="Trần Thị Bình")
    duty = _server().test_client()
    login(duty, duty_name)
    resp = _ack_request(duty, alert_id, "Đã xử lý")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    a = alerting.alerts(store).iloc[0]
    assert (a["state"], a["acked_by"], a["ack_note"]) == (
        "acknowledged",
        "Trần Thị Bình",
        "Đã xử lý",
    )
    done = audit.entries(store, action="alerts.ack")
    assert list(done[["actor", "target", "outcome"]].iloc[0]) == [
        duty_name,
        str(alert_id),
        "ok",
    ]


def _rule_save(client, rule_id: int):
    key = next(k for k in _callbacks() if "alerts-rule-done.data" in k)
    return _post(
        client,
        key,
        inputs=[
            [],
            {"id": "alerts-rule-cancel", "property": "n_clicks", "value": None},
            {"id": "alerts-rule-save", "property": "n_clicks", "value": 1},
        ],
        state=[
            {"id": "alerts-rule-target", "property": "data", "value": rule_id},
            {"id": "alerts-rule-threshold", "property": "value", "value": None},
            {"id": "alerts-rule-severity", "property": "value", "value": "critical"},
            {"id": "alerts-rule-escalate", "property": "value", "value": 30},
            {"id": "alerts-rule-enabled", "property": "value", "value": True},
        ],
        changed=["alerts-rule-save.n_clicks"],
    )


def test_editing_a_rule_needs_the_admin_role_and_is_audited(store):
    rules = alerting.rules(store)
    rule_id = int(rules[rules["kind"] == "stale"].iloc[0]["id"])
    duty = session_client(store, ("duty_officer",))
    assert _rule_save(duty, rule_id).status_code == 403
    assert alerting.rules(store).set_index("id").loc[rule_id, "severity"] == "warning"
    admin = session_client(store, ("admin",))
    resp = _rule_save(admin, rule_id)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert alerting.rules(store).set_index("id").loc[rule_id, "severity"] == "critical"
    entry = audit.entries(store, action="alerts.rules").iloc[0]
    assert entry["target"] == str(rule_id) and entry["detail"]["severity"] == "critical"


def _create_user(client, username: str, roles: list[str]):
    key = next(k for k in _callbacks() if "admin-new-result.children" in k)
    return _post(
        client,
        key,
        inputs=[{"id": "admin-new-submit", "property": "n_clicks", "value": 1}],
        state=[
            {"id": "admin-new-username", "property": "value", "value": username},
            {"id": "admin-new-name", "property": "value", "value": "Lê Văn Cường"},
            {"id": "admin-new-password", "property": "value", "value": PASSWORD},
            {"id": "admin-new-roles", "property": "value", "value": roles},
            {"id": "admin-new-domains", "property": "value", "value": []},
            {"id": "admin-new-departments", "property": "value", "value": []},
            {"id": "admin-new-areas", "property": "value", "value": []},
        ],
        changed=["admin-new-submit.n_clicks"],
    )


def test_only_an_admin_creates_users_and_the_trail_says_who(store):
    leader = session_client(store, ("leader",))
    assert _create_user(leader, "intruder", ["admin"]).status_code == 403
    assert "intruder" not in [u["username"] for u in accounts.users(store)]
    admin_name = make_user(store, ("admin",))
    admin = _server().test_client()
    login(admin, admin_name)
    assert _create_user(admin, "cuong.le", ["staff"]).status_code == 200
    user = next(u for u in accounts.users(store) if u["username"] == "cuong.le")
    assert user["roles"] == ["staff"]
    entry = audit.entries(store, action="users.create").iloc[0]
    assert (entry["actor"], entry["target"]) == (admin_name, "cuong.le")
    # The new account signs in with its password.
    assert login(_server().test_client(), "cuong.le").status_code == 303


def test_a_disabled_user_is_signed_out_at_once(store):
    name = make_user(store, ("leader",))
    client = _server().test_client()
    login(client, name)
    assert client.get("/").status_code == 200
    uid = next(u["id"] for u in accounts.users(store) if u["username"] == name)
    accounts.update_user(store, uid, active=False)
    assert client.get("/").status_code == 302
    assert _refused(login(_server().test_client(), name))


# -- REST API --------------------------------------------------------------------------


def test_the_api_needs_a_valid_key_and_a_revoked_key_stops_working(store):
    client = _server().test_client()
    assert client.get("/api/v1/sensors").status_code == 401
    resp = client.get("/api/v1/sensors", headers={"X-API-Key": "ioc_guess"})
    assert resp.status_code == 401
    key_id, key = accounts.issue_api_key(store, "scada", ["leader"], "test")
    assert client.get("/api/v1/sensors", headers={"X-API-Key": key}).status_code == 200
    accounts.revoke_api_key(store, key_id)
    assert client.get("/api/v1/sensors", headers={"X-API-Key": key}).status_code == 401


def test_api_reads_follow_the_page_rules(store):
    staff_env = api_client(store, ("staff",), ("environment",))
    assert staff_env.get("/api/v1/aqi").status_code == 200
    assert staff_env.get("/api/v1/sensors").status_code == 200
    staff_econ = api_client(store, ("staff",), ("economy",))
    assert staff_econ.get("/api/v1/aqi").status_code == 403
    assert staff_econ.get("/api/v1/sensors").status_code == 403
    # Alerts: staff read those of their own domains only.
    assert staff_econ.get("/api/v1/alerts").get_json()["count"] == 0
    assert staff_env.get("/api/v1/alerts").get_json()["count"] == 1


def test_api_acknowledge_needs_a_duty_officer_key_and_is_audited(store):
    alert_id = int(alerting.alerts(store).iloc[0]["id"])
    url = f"/api/v1/alerts/{alert_id}/acknowledge"
    leader = api_client(store, ("leader",))
    assert leader.post(url, json={"note": "x"}).status_code == 403
    duty = api_client(store, ("duty_officer",))
    resp = duty.post(url, json={"note": "từ hệ thống SCADA"})
    assert resp.status_code == 200, resp.get_json()
    assert duty.post(url, json={}).status_code == 409  # already acknowledged
    assert duty.post(url, json={"note": 5}).status_code == 400
    trail = audit.entries(store, action="alerts.ack")
    assert list(trail["outcome"]) == ["refused", "ok"]  # newest first: the 409
    assert set(trail["actor"]) == {"key:test"}
    denied = audit.entries(store, action="access.denied")
    assert list(denied[["actor", "target"]].iloc[0]) == ["key:test", "alerts.ack"]


# -- sessions --------------------------------------------------------------------------


def _age_session(engine, **values) -> None:
    with engine.begin() as conn:
        conn.execute(update(WebSession).values(**values))


def test_a_session_ends_after_the_idle_timeout(store):
    client = session_client(store, ("leader",))
    assert client.get("/").status_code == 200
    long_ago = now_ms() - 31 * 60_000
    _age_session(store, last_active_ms=long_ago, last_seen_ms=long_ago)
    resp = client.get("/canh-bao")
    assert resp.status_code == 302 and "/dang-nhap" in resp.headers["Location"]


def test_a_session_ends_at_the_end_of_its_lifetime(store):
    client = session_client(store, ("duty_officer",))
    _age_session(store, expires_ms=now_ms() - 1)
    assert client.get("/").status_code == 302


def test_live_panels_keep_a_duty_officers_wall_screen_signed_in_but_not_a_leader(
    store,
):
    """A poll is not a person's action: it keeps only the duty officer's (wall
    screen) session alive past the idle timeout."""
    long_ago = now_ms() - 31 * 60_000
    duty = session_client(store, ("duty_officer",))
    _age_session(store, last_active_ms=long_ago)
    assert duty.get("/").status_code == 200
    with store.begin() as conn:
        conn.execute(text("DELETE FROM web_sessions"))
    leader = session_client(store, ("leader",))
    _age_session(store, last_active_ms=long_ago)
    assert leader.get("/").status_code == 302


def test_sign_out_ends_the_session_and_needs_the_csrf_token(store):
    client = session_client(store, ("leader",))
    page = client.get("/_dash-layout").get_data(as_text=True)
    csrf = re.search(
        r'"name":\s*"csrf",\s*"type":\s*"hidden",\s*"value":\s*"([^"]+)"', page
    )
    csrf = csrf or re.search(r'"value":\s*"([^"]+)"[^{}]*"name":\s*"csrf"', page)
    assert csrf, "the sign-out form carries the session's CSRF token"
    assert client.post("/dang-xuat", data={"csrf": "forged"}).status_code == 400
    assert client.get("/").status_code == 200
    resp = client.post("/dang-xuat", data={"csrf": csrf.group(1)})
    assert resp.status_code == 303
    assert client.get("/").status_code == 302
    actions = list(audit.entries(store)["action"])
    assert actions[0] == "logout"


def test_the_session_cookie_is_http_only_and_same_site(store):
    name = make_user(store, ("leader",))
    resp = login(_server().test_client(), name)
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http here; over HTTPS it is set (auto)
    https = _server().test_client()
    form = https.get("/dang-nhap", base_url="https://ioc.local")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.get_data(as_text=True))
    resp = https.post(
        "/dang-nhap",
        base_url="https://ioc.local",
        data={"username": name, "password": PASSWORD, "csrf": csrf.group(1)},
    )
    assert "Secure" in resp.headers["Set-Cookie"]


def _refused(resp) -> bool:
    """The sign-in form shown again with its refusal, no session cookie."""
    return (
        resp.status_code == 200
        and "không đúng" in resp.get_data(as_text=True)
        and "ioc_session=" not in resp.headers.get("Set-Cookie", "")
    )


# -- sign-in ------------------------------------------------------------------------


class _Clock:
    """The sign-in throttle's clock, moved by hand: tests wait without sleeping."""

    def __init__(self) -> None:
        self.ms = accounts.now_ms()

    def __call__(self) -> int:
        return self.ms

    def advance(self, seconds: float) -> None:
        self.ms += int(seconds * 1000)


@pytest.fixture
def clock(monkeypatch):
    c = _Clock()
    monkeypatch.setattr(accounts, "now_ms", c)
    return c


def _client_from(address: str):
    client = _server().test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _throttled(store) -> list[dict]:
    trail = audit.entries(store, action="login")
    rows = trail[trail["detail"].map(lambda d: d.get("reason") == "rate_limited")]
    return [{**r["detail"], "ip": r["ip"]} for _, r in rows.iterrows()]


def test_failures_from_one_address_do_not_lock_the_user_out_of_another(
    store, clock, caplog
):
    make_user(store, ("admin",), username="admin")
    attacker, owner = _client_from("10.0.0.9"), _client_from("10.0.0.1")
    for _ in range(5):
        assert _refused(login(attacker, "admin", "wrong-password!"))
    # The attacker's address waits, longer after each failure; even the right
    # password waits there, since a throttled attempt is not checked at all.
    waits = []
    for _ in range(3):
        with caplog.at_level("WARNING", logger="security.login"):
            resp = login(attacker, "admin")
        assert resp.status_code == 429
        assert "Quá nhiều lần đăng nhập sai" in resp.get_data(as_text=True)
        waits.append(int(resp.headers["Retry-After"]))
        clock.advance(waits[-1])
        assert _refused(login(attacker, "admin", "wrong-password!"))
    assert waits == [2, 4, 8]
    # The real admin signs in from another address at once, and another user
    # from the attacker's address too.
    assert login(owner, "admin").status_code == 303
    assert login(attacker, make_user(store, ("leader",))).status_code == 303
    # The trail and the log say who was throttled, where, and for how long.
    throttled = _throttled(store)
    assert len(throttled) == 3
    assert throttled[0] == {
        "reason": "rate_limited",
        "scope": "user_address",
        "failures": 7,
        "wait_s": 8,
        "ip": "10.0.0.9",
    }
    assert caplog.text.count("sign-in throttled") == 3
    assert "'admin' from 10.0.0.9" in caplog.text
    # No lockout: once the wait is over, the right password works there too.
    clock.advance(16)
    assert login(attacker, "admin").status_code == 303


def test_an_address_trying_many_names_is_slowed_down_but_no_other_address(store, clock):
    name = make_user(store, ("leader",))
    for i in range(20):  # 4 x IOC_LOGIN_MAX_FAILURES, each a different name
        accounts.record_attempt(store, f"guess-{i}", "10.0.0.9", False)
    sprayer = _client_from("10.0.0.9")
    resp = login(sprayer, name)
    assert (resp.status_code, resp.headers["Retry-After"]) == (429, "2")
    assert _throttled(store)[0]["scope"] == "address"
    assert login(_client_from("10.0.0.1"), name).status_code == 303
    clock.advance(2)
    assert _refused(login(sprayer, "guess-x", "wrong-password!"))
    assert login(sprayer, name).headers["Retry-After"] == "4"
    # The wait grows to 15 minutes at most.
    for i in range(60):
        accounts.record_attempt(store, f"guess-{i}", "10.0.0.7", False)
    assert login(_client_from("10.0.0.7"), name).headers["Retry-After"] == "900"


def test_simultaneous_guesses_are_throttled_like_a_sequence(store, clock):
    """Each attempt is counted before its password is checked, so guesses sent
    together are not all judged against the same count."""
    name = make_user(store, ("leader",))
    for _ in range(5):
        accounts.record_attempt(store, name, "10.0.0.9", False)
    clock.advance(2)  # the first wait is over
    limits = {"per_user": 5, "per_address": 20}
    first = accounts.start_attempt(store, name, "10.0.0.9", **limits)
    second = accounts.start_attempt(store, name, "10.0.0.9", **limits)
    assert first.wait_s == 0  # its password is being checked: a failure until then
    assert (second.wait_s, second.scope, second.failures) == (4, "user_address", 6)
    # A refused attempt is not a guess: it does not make the wait longer.
    assert accounts.start_attempt(store, name, "10.0.0.9", **limits).wait_s == 4


def test_sign_in_refuses_a_forged_form_and_an_open_redirect(store):
    name = make_user(store, ("leader",))
    client = _server().test_client()
    resp = client.post(
        "/dang-nhap", data={"username": name, "password": PASSWORD, "csrf": "x"}
    )
    assert resp.status_code == 400
    resp = login(client, name, next_path="//evil.example/phish")
    assert resp.status_code == 303 and resp.headers["Location"] == "/"


def test_no_account_has_a_built_in_password(store):
    assert accounts.verify_password(store, "admin", "admin") is None
    assert accounts.verify_password(store, "admin", "") is None


# -- audit trail -----------------------------------------------------------------------


def test_the_audit_trail_cannot_be_edited_or_deleted(store):
    entry = audit.record(store, "x", "test.write", "t")
    for sql in (
        "UPDATE audit_log SET actor = 'someone else' WHERE id = :id",
        "DELETE FROM audit_log WHERE id = :id",
    ):
        with pytest.raises(Exception, match="append-only"):
            with store.begin() as conn:
                conn.execute(text(sql), {"id": entry})
    assert audit.entries(store).iloc[0]["actor"] == "x"


# -- headers ---------------------------------------------------------------------------


def test_every_answer_carries_the_security_headers(store):
    client = session_client(store, ("leader",))
    for path in ("/", "/dang-nhap", "/api/v1/sensors", "/assets/ioc.css"):
        h = client.get(path).headers
        csp = h["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        script = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
        assert "unsafe-inline" not in script and "unsafe-eval" not in script
        assert "sha256-" in script  # Dash's own inline scripts, by hash
        assert h["X-Frame-Options"] == "DENY"
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["Referrer-Policy"] == "same-origin"


def test_a_broken_callback_request_gets_no_traceback(store):
    client = session_client(store, ("leader",))
    key = next(k for k in _callbacks() if "shell-alert-count" in k)
    resp = _post(client, key, inputs=[{"nonsense": True}])
    assert resp.status_code in (400, 500)
    body = resp.get_data(as_text=True)
    assert "Traceback" not in body and 'File "' not in body


def _forged(client, key: str, outputs: object):
    """A callback request whose inputs and state are the callback's own (all empty)
    but whose ``outputs`` are ``outputs``."""
    spec = _callbacks()[key]
    return client.post(
        "/_dash-update-component",
        json={
            "output": key,
            "outputs": outputs,
            "inputs": [
                {"id": i["id"], "property": i["property"], "value": None}
                for i in spec["inputs"]
            ],
            "state": [
                {"id": s["id"], "property": s["property"], "value": None}
                for s in spec["state"]
            ],
            "changedPropIds": [],
        },
    )


def test_a_callback_request_whose_outputs_are_not_its_callbacks_is_a_400(store, caplog):
    keys = _callbacks()
    press = next(k for k in keys if k == "press-list.children")
    alert = next(k for k in keys if "shell-alert-count" in k)
    overview = next(k for k in keys if "overview-map.figure" in k)
    alert_outs = _outputs(alert)
    overview_outs = [
        [{"id": {**o["id"], "domain": "economy"}, "property": o["property"]}]
        if isinstance(o["id"], dict)
        else o
        for o in _outputs(overview)
    ]
    tile = overview_outs[0][0]
    forgeries = [
        (press, {"id": "press-list", "property": "style"}),
        (press, {"id": "shell-alert-count", "property": "children"}),
        (press, [{"id": "press-list", "property": "children"}]),
        (press, [{"id": "press-list", "property": "children"}] * 2),
        (alert, alert_outs[:-1]),
        (alert, alert_outs[0]),
        (alert, list(reversed(alert_outs))),
        (alert, [*alert_outs[:-1], [alert_outs[-1]]]),
        (overview, [tile, *overview_outs[1:]]),
        (overview, [[{**tile, "id": {**tile["id"], "x": 1}}], *overview_outs[1:]]),
        (overview, [[{**tile, "id": "overview-kpi-value"}], *overview_outs[1:]]),
        (overview, [[{**tile, "property": 5}], *overview_outs[1:]]),
    ]
    client = session_client(store, ("leader", "admin"))
    caplog.clear()
    for key, outputs in forgeries:
        with caplog.at_level("WARNING"):
            resp = _forged(client, key, outputs)
        assert resp.status_code == 400, (outputs, resp.get_data(as_text=True)[:300])
        assert resp.get_json()["error"]["code"] == "bad_request"
    assert "Traceback" not in caplog.text
    assert [r.levelname for r in caplog.records] == ["WARNING"] * len(forgeries)
    assert all("outputs" in r.getMessage() for r in caplog.records)
    # The genuine requests still work.
    assert _forged(client, press, _outputs(press)[0]).status_code == 200
    assert _forged(client, alert, alert_outs).status_code in (200, 204)
    assert _forged(client, overview, overview_outs).status_code == 200


# -- paths that are no page -----------------------------------------------------------

NO_PAGE_PATHS = (
    "/HE-THONG",
    "/He-Thong",
    "/he-thong;x",
    "/he-thong;x=1",
    "/canh-bao.json",
    "/he-thong/x",
    "/khong-co",
    "/static/x.js",
    "/%2Fhe-thong",
    "/he-thong%00",
)


@pytest.mark.parametrize("roles, domains", ROLE_CASES)
def test_a_path_that_is_no_page_is_a_404_without_the_shell(store, roles, domains):
    client = session_client(store, roles, domains)
    who = Principal(0, "t", "t", "user", frozenset(roles), frozenset(domains))
    for path in NO_PAGE_PATHS:
        resp = client.get(path)
        body = resp.get_data(as_text=True)
        assert resp.status_code == 404, (roles, path)
        assert "_dash-config" not in body and "dash-renderer" not in body, path
        assert "Không tìm thấy trang" in body
    for page in dash.page_registry.values():
        if policy.can_view(who, page["path"]):
            resp = client.get(page["path"])
            assert resp.status_code == 200, (roles, page["path"])
            assert "_dash-config" in resp.get_data(as_text=True)
    # A trailing slash leads to the page itself, never to another shell.
    resp = client.get("/canh-bao/?x=1")
    assert (resp.status_code, resp.headers.get("Location")) == (308, "/canh-bao?x=1")
    # What is not a page keeps working.
    for path in ("/assets/ioc.css", "/vendor/css/bootstrap.min.css", "/_favicon.ico"):
        assert client.get(path).status_code == 200, path
    assert client.get("/_dash-layout").status_code == 200
    assert client.get("/_dash-dependencies").status_code == 200
    assert client.get("/dang-nhap").status_code == 200
    assert client.get("/doi-mat-khau").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/open311/v2/services.json").status_code in (200, 403)


def test_a_user_changes_their_own_password_and_other_sessions_end(store):
    name = make_user(store, ("staff",), ("environment",))
    here, elsewhere = _server().test_client(), _server().test_client()
    login(here, name)
    login(elsewhere, name)
    form = here.get("/doi-mat-khau").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    new = "một-mật-khẩu-mới-2026"
    wrong = here.post(
        "/doi-mat-khau",
        data={"csrf": csrf, "current": "nope", "new": new, "again": new},
    )
    assert "không đúng" in wrong.get_data(as_text=True)
    forged = here.post(
        "/doi-mat-khau",
        data={"csrf": "forged", "current": PASSWORD, "new": new, "again": new},
    )
    assert forged.status_code == 400
    done = here.post(
        "/doi-mat-khau",
        data={"csrf": csrf, "current": PASSWORD, "new": new, "again": new},
    )
    assert "Đã đổi mật khẩu" in done.get_data(as_text=True)
    assert here.get("/moi-truong").status_code == 200  # this browser goes on
    assert elsewhere.get("/moi-truong").status_code == 302  # the other one is out
    assert accounts.verify_password(store, name, new) is not None
    assert accounts.verify_password(store, name, PASSWORD) is None
    trail = audit.entries(store, action="user.password")
    assert list(trail["outcome"]) == ["ok", "refused"]
    anonymous = _server().test_client()
    assert anonymous.get("/doi-mat-khau").status_code == 302


def test_exporting_the_audit_trail_is_for_admins_and_is_itself_audited(store):
    audit.record(store, "x", "test.write", '=HYPERLINK("http://evil")')
    key = next(k for k in _callbacks() if "admin-audit-download.data" in k)
    request = {
        "inputs": [{"id": "admin-audit-export", "property": "n_clicks", "value": 1}],
        "state": [
            {"id": "admin-audit-action", "property": "value", "value": None},
            {"id": "admin-audit-actor", "property": "value", "value": None},
            {"id": "admin-audit-range", "property": "value", "value": "all"},
        ],
        "changed": ["admin-audit-export.n_clicks"],
    }
    duty = session_client(store, ("duty_officer", "leader"))
    assert _post(duty, key, **request).status_code == 403
    admin_name = make_user(store, ("admin",))
    admin = _server().test_client()
    login(admin, admin_name)
    resp = _post(admin, key, **request)
    assert resp.status_code == 200
    sent = resp.get_json()["response"]["admin-audit-download"]["data"]
    csv_text = sent["content"]
    assert sent["filename"].endswith(".csv") and "test.write" in csv_text
    # A formula in the trail stays text in a spreadsheet (CSV injection).
    assert "'=HYPERLINK" in csv_text
    entry = audit.entries(store, action="reports.export").iloc[0]
    assert (entry["actor"], entry["target"]) == (admin_name, "audit_log.csv")


def test_an_admin_revokes_a_key_through_the_page_and_it_stops_at_once(store):
    key_id, api_key = accounts.issue_api_key(store, "old system", ["leader"], "t")
    probe = _server().test_client()
    assert (
        probe.get("/api/v1/sensors", headers={"X-API-Key": api_key}).status_code == 200
    )
    key = next(k for k in _callbacks() if "admin-key-done.data" in k)
    admin = session_client(store, ("admin",))
    resp = _post(
        admin,
        key,
        inputs=[
            {"id": "admin-key-submit", "property": "n_clicks", "value": None},
            [
                {
                    "id": {"type": "admin-key-revoke", "id": key_id},
                    "property": "n_clicks",
                    "value": 1,
                }
            ],
        ],
        state=[
            {"id": "admin-key-name", "property": "value", "value": None},
            {"id": "admin-key-roles", "property": "value", "value": []},
            {"id": "admin-key-domains", "property": "value", "value": []},
            {"id": "admin-key-departments", "property": "value", "value": []},
            {"id": "admin-key-areas", "property": "value", "value": []},
        ],
        changed=[json.dumps({"id": key_id, "type": "admin-key-revoke"}) + ".n_clicks"],
    )
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert (
        probe.get("/api/v1/sensors", headers={"X-API-Key": api_key}).status_code == 401
    )
    assert audit.entries(store, action="apikeys.revoke").iloc[0]["target"] == str(
        key_id
    )


# -- the overview shows staff their own domains only ----------------------------------


def _overview(client) -> dict:
    """The overview's first draw, as the browser asks for it (each ALL output as the
    list of the six tiles' ids)."""
    from store.kpis import DOMAINS

    key = next(k for k in _callbacks() if "overview-map.figure" in k)
    outputs = []
    for o in _outputs(key):
        if isinstance(o["id"], dict):
            o = [
                {"id": {**o["id"], "domain": d}, "property": o["property"]}
                for d in DOMAINS
            ]
        outputs.append(o)
    body = {
        "output": key,
        "outputs": outputs,
        "inputs": [
            {"id": "overview-interval", "property": "n_intervals", "value": None}
        ],
        "state": [
            {"id": "overview-press", "property": "data-drawn", "value": None},
            [
                {
                    "id": {"type": "overview-kpi-tile", "domain": d},
                    "property": "className",
                    "value": None,
                }
                for d in DOMAINS
            ],
        ],
        "changedPropIds": [],
    }
    resp = client.post("/_dash-update-component", json=body)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return resp.get_json()["response"]


def test_the_overview_shows_staff_only_the_data_of_their_domains(store):
    writes.upsert_citizen_reports(
        store,
        [
            {
                "id": "r1",
                "source": "open311",
                "status": "open",
                "service_name": "Rác thải",
                "lat": 21.18,
                "lon": 106.07,
                "requested_ms": T0,
            }
        ],
    )
    station = sensor_row(period_s=600)["name"]
    leader = _overview(session_client(store, ("leader",)))
    staff = _overview(session_client(store, ("staff",), ("economy",)))
    own = _overview(session_client(store, ("staff",), ("environment",)))
    # The open critical PM2.5 alert: in the leader's and the environment staff's
    # strip, not in an economy staff member's.
    assert station in json.dumps(leader["overview-alerts"], ensure_ascii=False)
    assert station in json.dumps(own["overview-alerts"], ensure_ascii=False)
    assert station not in json.dumps(staff["overview-alerts"], ensure_ascii=False)

    # Map layers: sensors and citizens' reports only of readable domains.
    def points(answer: dict) -> int:
        return sum(
            len(tr.get("x") or tr.get("lat") or [])
            for tr in answer["overview-map"]["figure"]["data"]
            if tr.get("name")
        )

    assert points(leader) > points(staff)
    names = json.dumps(staff["overview-map"], ensure_ascii=False)
    assert station not in names and "Rác thải" not in names
    # Tiles of other domains say they are outside the account's domains.
    not_yours = json.dumps(staff, ensure_ascii=False).count("Ngoài lĩnh vực")
    assert not_yours == 5  # every domain but economy
    assert "Ngoài lĩnh vực" not in json.dumps(leader, ensure_ascii=False)


def test_staff_read_the_sensors_of_their_domains_kinds_only(store):
    writes.sync_sensors(
        store,
        [
            sensor_row("tf-1", kind="traffic", name="Nút giao Lý Thái Tổ"),
            sensor_row("nz-1", kind="noise", name="Ồn Ngọc Hân"),
        ],
    )
    env_key = api_client(store, ("staff",), ("environment",))
    ids = {s["id"] for s in env_key.get("/api/v1/sensors").get_json()["sensors"]}
    assert ids == {"aq-kinh-bac-01"}
    assert env_key.get("/api/v1/sensors/tf-1/latest").status_code == 404
    mobility = api_client(store, ("staff",), ("mobility",))
    ids = {s["id"] for s in mobility.get("/api/v1/sensors").get_json()["sensors"]}
    assert ids == {"tf-1"}
    assert (
        mobility.get("/api/v1/sensors/aq-kinh-bac-01/series?metric=pm25").status_code
        == 404
    )
    leader = api_client(store, ("leader",))
    assert leader.get("/api/v1/sensors").get_json()["count"] == 3
    # The grid: a full load, and a tick naming another domain's sensor.
    key = next(k for k in _callbacks() if "sensors-table.rowData" in k)
    tick_key = next(k for k in _callbacks() if "sensors-table.rowTransaction" in k)
    client = session_client(store, ("staff",), ("living",))
    inputs = [
        {"id": f"sensors-{f}", "property": "value", "value": None}
        for f in ("kind", "district", "state")
    ]
    resp = _post(client, key, inputs=inputs, changed=["sensors-kind.value"])
    rows = resp.get_json()["response"]["sensors-table"]["rowData"]
    assert {r["id"] for r in rows} == {"nz-1"}
    visible = {"rows": {"aq-kinh-bac-01": [0, "ok"], "tf-1": [0, "ok"]}, "n": 1}
    resp = _post(
        client,
        tick_key,
        inputs=[{"id": "sensors-visible", "property": "data", "value": visible}],
        state=[{"id": "sensors-state", "property": "value", "value": None}],
        changed=["sensors-visible.data"],
    )
    text_ = resp.get_data(as_text=True)
    assert "Trạm Kinh Bắc" not in text_ and "Lý Thái Tổ" not in text_


def test_old_sign_in_attempts_are_pruned(engine, monkeypatch):
    """Every attempt is a row: without retention a flood of sign-ins grows the store
    forever. Rows older than a day go, those of the last hour stay."""
    from store.schema import LoginAttempt

    monkeypatch.setattr(accounts, "PRUNE_ATTEMPTS_EVERY", 1)
    day = accounts.ATTEMPTS_KEEP_MS
    with engine.begin() as conn:
        conn.execute(
            LoginAttempt.__table__.insert(),
            [
                {
                    "at_ms": now_ms() - 2 * day,
                    "username": "x",
                    "ip": "10.0.0.5",
                    "ok": False,
                }
                for _ in range(50)
            ],
        )
    accounts.start_attempt(engine, "x", "10.0.0.5", per_user=5, per_address=20)
    with engine.connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM login_attempts")).scalar_one()
    assert left == 1
