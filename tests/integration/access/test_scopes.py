"""Scopes beyond domains, over HTTP on SQLite and PostgreSQL: staff accounts and API
keys narrowed to areas (a region covers its wards) and departments of the profile read
only those rows, in the page callbacks, the REST API and Open311; the roles that watch
the province are never narrowed; unknown codes are refused with a clear error."""

from __future__ import annotations

import json

import pytest

import province
from store import accounts, alerting, audit, runtime, writes
from store.writes import Row, now_ms
from tests.helpers import (
    api_client,
    dash_callbacks,
    dash_post,
    login,
    make_user,
    sensor_row,
    session_client,
)

T0 = now_ms() - 60_000
KINH_BAC = sensor_row(period_s=600)  # ward kinh-bac, region tp-bac-ninh
VO_CUONG = sensor_row(  # another ward of the same region
    "aq-vo-cuong-01",
    name="Trạm Võ Cường",
    name_en="Vo Cuong",
    area="vo-cuong",
    period_s=600,
)
TU_SON = sensor_row(  # a ward of another region
    "aq-tu-son-01",
    name="Trạm Từ Sơn",
    name_en="Tu Son",
    area="w-tu-son",
    region="tu-son",
    lat=21.119,
    lon=105.964,
    period_s=600,
)
NAMES = {s["id"]: s["name"] for s in (KINH_BAC, VO_CUONG, TU_SON)}


@pytest.fixture
def store(engine):
    """Three air stations, each with an open critical PM2.5 alert."""
    writes.sync_sensors(engine, [KINH_BAC, VO_CUONG, TU_SON])
    writes.write_batch(engine, [Row(sid, "pm25", T0, 180.0) for sid in NAMES])
    alerting.evaluate(engine, at_ms=T0 + 100)
    runtime.set_engine(engine)
    import app  # noqa: F401 - registers pages and callbacks

    yield engine
    runtime.set_engine(None)


def _api_sensors(client) -> set[str]:
    resp = client.get("/api/v1/sensors")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return {s["id"] for s in resp.get_json()["sensors"]}


def _api_alerts(client) -> tuple[set[str], dict]:
    body = client.get("/api/v1/alerts?state=open").get_json()
    return {a["subject"]["id"] for a in body["alerts"]}, body["counts"]


def _grid(client) -> set[str]:
    key = next(k for k in dash_callbacks() if "sensors-table.rowData" in k)
    inputs = [
        {"id": f"sensors-{f}", "property": "value", "value": None}
        for f in ("kind", "district", "state")
    ]
    resp = dash_post(client, key, inputs=inputs, changed=["sensors-kind.value"])
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return {r["id"] for r in resp.get_json()["response"]["sensors-table"]["rowData"]}


def _tick(client, ids: list[str]) -> str:
    key = next(k for k in dash_callbacks() if "sensors-table.rowTransaction" in k)
    visible = {"rows": {i: [0, "ok"] for i in ids}, "n": 1}
    resp = dash_post(
        client,
        key,
        inputs=[{"id": "sensors-visible", "property": "data", "value": visible}],
        state=[{"id": "sensors-state", "property": "value", "value": None}],
        changed=["sensors-visible.data"],
    )
    return resp.get_data(as_text=True)


def _alerts_page(client) -> str:
    key = next(k for k in dash_callbacks() if "alerts-table.children" in k)
    inputs = [{"id": "alerts-interval", "property": "n_intervals", "value": None}]
    inputs += [
        {"id": f"alerts-{f}", "property": "value", "value": None}
        for f in ("state", "severity", "domain", "district")
    ]
    inputs += [
        {"id": "alerts-ack-done", "property": "data", "value": None},
        {"id": "alerts-rule-done", "property": "data", "value": None},
    ]
    resp = dash_post(
        client,
        key,
        inputs=inputs,
        state=[{"id": "alerts-signature", "property": "data", "value": None}],
        changed=["alerts-state.value"],
    )
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return json.dumps(resp.get_json()["response"], ensure_ascii=False)


def test_region_scoped_staff_see_only_that_regions_sensors_and_alerts(store):
    mine = {"aq-kinh-bac-01", "aq-vo-cuong-01"}
    key = api_client(store, ("staff",), ("environment",), areas=("tp-bac-ninh",))
    assert _api_sensors(key) == mine
    assert key.get("/api/v1/sensors/aq-tu-son-01/latest").status_code == 404
    series = "/api/v1/sensors/aq-tu-son-01/series?metric=pm25"
    assert key.get(series).status_code == 404
    assert key.get("/api/v1/sensors/aq-kinh-bac-01/latest").status_code == 200
    subjects, counts = _api_alerts(key)
    assert subjects == mine and counts["critical"] == 2

    page = session_client(store, ("staff",), ("environment",), areas=("tp-bac-ninh",))
    assert _grid(page) == mine
    ticked = _tick(page, ["aq-kinh-bac-01", "aq-tu-son-01"])
    assert NAMES["aq-tu-son-01"] not in ticked
    listed = _alerts_page(page)
    assert NAMES["aq-kinh-bac-01"] in listed and NAMES["aq-vo-cuong-01"] in listed
    assert NAMES["aq-tu-son-01"] not in listed

    # The same account without an area reads the whole province, as before.
    everywhere = session_client(store, ("staff",), ("environment",))
    assert _grid(everywhere) == set(NAMES)
    assert NAMES["aq-tu-son-01"] in _alerts_page(everywhere)


def test_a_ward_scoped_account_sees_its_ward_only(store):
    key = api_client(store, ("staff",), ("environment",), areas=("kinh-bac",))
    assert _api_sensors(key) == {"aq-kinh-bac-01"}
    assert _api_alerts(key)[0] == {"aq-kinh-bac-01"}
    page = session_client(store, ("staff",), ("environment",), areas=("kinh-bac",))
    assert _grid(page) == {"aq-kinh-bac-01"}
    listed = _alerts_page(page)
    assert NAMES["aq-vo-cuong-01"] not in listed
    assert NAMES["aq-tu-son-01"] not in listed


def test_an_area_scope_does_not_widen_the_domains(store):
    # A living staff member limited to Kinh Bắc still reads no air station.
    key = api_client(store, ("staff",), ("living",), areas=("kinh-bac",))
    assert _api_sensors(key) == set()
    assert _api_alerts(key)[0] == set()


@pytest.mark.parametrize("roles", [("leader",), ("duty_officer",), ("admin",)])
def test_the_roles_that_watch_the_province_are_never_narrowed(store, roles):
    scope = {"departments": ("so-xd",), "areas": ("kinh-bac",)}
    key = api_client(store, roles, ("environment",), **scope)
    assert _api_sensors(key) == set(NAMES)
    assert _api_alerts(key)[0] == set(NAMES)
    page = session_client(store, roles, ("environment",), **scope)
    assert _grid(page) == set(NAMES)


def test_the_alert_badge_counts_only_the_scopes_alerts(store):
    page = session_client(store, ("staff",), ("environment",), areas=("kinh-bac",))
    key = next(k for k in dash_callbacks() if "shell-alert-count.children" in k)
    resp = dash_post(
        page,
        key,
        inputs=[{"id": "shell-alert-interval", "property": "n_intervals", "value": 1}],
        state=[{"id": "shell-alert-seen", "property": "data", "value": None}],
        changed=["shell-alert-interval.n_intervals"],
    )
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert resp.get_json()["response"]["shell-alert-count"]["children"] == "1"


# -- citizens' reports through Open311 ---------------------------------------------


def _report(rid: str, service: str, lat: float, lon: float) -> dict:
    return {
        "id": rid,
        "source": "open311:test",
        "status": "open",
        "service_code": service,
        "service_name": province.current().service(service).name,
        "lat": lat,
        "lon": lon,
        "requested_ms": T0,
    }


def _open311_ids(client, path: str = "/open311/v2/requests.json") -> set[str]:
    resp = client.get(path)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return {r["service_request_id"] for r in resp.get_json()}


def test_an_open311_key_of_a_department_reads_only_that_departments_reports(store):
    from datasources.open311 import with_areas

    reports = [
        _report("r-pothole", "o-ga", 21.186, 106.076),  # Sở Xây dựng, Kinh Bắc
        _report("r-rubbish", "rac-thai", 21.186, 106.076),  # Sở NN&MT
        _report("r-noise", "tieng-on", 21.12, 105.96),  # Công an tỉnh, Từ Sơn
    ]
    writes.upsert_citizen_reports(store, with_areas(reports, province.current()))
    builders = api_client(store, ("staff",), ("citizens",), departments=("so-xd",))
    assert _open311_ids(builders) == {"r-pothole"}
    asked = "/open311/v2/requests.json?service_code=rac-thai,o-ga"
    assert _open311_ids(builders, asked) == {"r-pothole"}
    assert builders.get("/open311/v2/requests/r-rubbish.json").status_code == 404
    assert builders.get("/open311/v2/requests/r-pothole.json").status_code == 200
    # An area scope: the reports whose coordinates lie in that region's wards.
    tu_son = api_client(store, ("staff",), ("citizens",), areas=("tu-son",))
    assert _open311_ids(tu_son) == {"r-noise"}
    # Unscoped keys and the leader read every report, as before.
    assert _open311_ids(api_client(store, ("staff",), ("citizens",))) == {
        "r-pothole",
        "r-rubbish",
        "r-noise",
    }
    assert len(_open311_ids(api_client(store, ("leader",), departments=("so-xd",))))


def test_a_report_filed_through_open311_gets_the_ward_of_its_coordinates(store):
    from store import queries

    filer = api_client(store, ("staff",), ("citizens",))
    resp = filer.post(
        "/open311/v2/requests.json",
        data={"service_code": "o-ga", "lat": "21.186", "long": "106.076"},
    )
    assert resp.status_code == 201, resp.get_data(as_text=True)
    rid = resp.get_json()[0]["service_request_id"]
    assert queries.citizen_reports(store, ids=[rid]).iloc[0]["area"] == "kinh-bac"
    ward = api_client(store, ("staff",), ("citizens",), areas=("kinh-bac",))
    other = api_client(store, ("staff",), ("citizens",), areas=("vo-cuong",))
    assert rid in _open311_ids(ward)
    assert rid not in _open311_ids(other)


# -- accounts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "error"),
    [
        ({"departments": ["so-khong-co"]}, "account.error.departments"),
        ({"areas": ["phuong-khong-co"]}, "account.error.areas"),
    ],
)
def test_an_unknown_code_is_refused_with_a_clear_error(store, scope, error):
    profile = province.current()
    with pytest.raises(accounts.AccountError) as refused:
        accounts.create_user(
            store, "lan.tran", "mat-khau-du-dai", ["staff"], profile=profile, **scope
        )
    assert refused.value.key == error
    assert "lan.tran" not in [u["username"] for u in accounts.users(store)]
    with pytest.raises(accounts.AccountError) as refused:
        accounts.issue_api_key(store, "k", ["staff"], "t", profile=profile, **scope)
    assert refused.value.key == error
    uid = accounts.create_user(store, "lan.tran", "mat-khau-du-dai", ["staff"])
    with pytest.raises(accounts.AccountError) as refused:
        accounts.update_user(store, uid, profile=profile, **scope)
    assert refused.value.key == error
    # Without the profile to check against, no code passes.
    with pytest.raises(accounts.AccountError):
        accounts.update_user(store, uid, departments=["so-xd"])


def _admin_create(client, username: str, departments: list, areas: list):
    key = next(k for k in dash_callbacks() if "admin-new-result.children" in k)
    return dash_post(
        client,
        key,
        inputs=[{"id": "admin-new-submit", "property": "n_clicks", "value": 1}],
        state=[
            {"id": "admin-new-username", "property": "value", "value": username},
            {"id": "admin-new-name", "property": "value", "value": "Trần Thị Lan"},
            {"id": "admin-new-password", "property": "value", "value": "mat-khau-dai"},
            {"id": "admin-new-roles", "property": "value", "value": ["staff"]},
            {"id": "admin-new-domains", "property": "value", "value": ["citizens"]},
            {"id": "admin-new-departments", "property": "value", "value": departments},
            {"id": "admin-new-areas", "property": "value", "value": areas},
        ],
        changed=["admin-new-submit.n_clicks"],
    )


def test_the_admin_page_creates_a_scoped_account_shows_and_audits_it(store):
    admin = session_client(store, ("admin",))
    resp = _admin_create(admin, "lan.tran", ["so-xd"], ["kinh-bac"])
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    user = next(u for u in accounts.users(store) if u["username"] == "lan.tran")
    assert (user["departments"], user["areas"]) == (["so-xd"], ["kinh-bac"])
    entry = audit.entries(store, action="users.create").iloc[0]
    assert entry["detail"]["departments"] == ["so-xd"]
    assert entry["detail"]["areas"] == ["kinh-bac"]
    # The accounts table names them in the user's language.
    key = next(k for k in dash_callbacks() if "admin-users.children" in k)
    table = dash_post(
        admin,
        key,
        inputs=[
            {"id": "admin-user-done", "property": "data", "value": None},
            {"id": "admin-interval", "property": "n_intervals", "value": None},
        ],
    )
    shown = json.dumps(table.get_json()["response"], ensure_ascii=False)
    assert "Sở Xây dựng" in shown and "Phường Kinh Bắc" in shown
    # An unknown area is refused with its message, and nothing is created.
    resp = _admin_create(admin, "binh.pham", [], ["khong-co"])
    shown = resp.get_json()["response"]["admin-new-result"]["children"]
    assert shown == "Địa bàn không có trong hồ sơ tỉnh."
    assert "binh.pham" not in [u["username"] for u in accounts.users(store)]
    # The new account signs in.
    from app import server

    assert login(server.test_client(), "lan.tran", "mat-khau-dai").status_code == 303


def test_an_unscoped_account_keeps_its_empty_scope(store):
    name = make_user(store, ("staff",), ("environment",))
    user = next(u for u in accounts.users(store) if u["username"] == name)
    assert (user["departments"], user["areas"]) == ([], [])
    _id, key = accounts.issue_api_key(store, "k", ["staff"], "t", ["environment"])
    who = accounts.check_api_key(store, key)
    assert (who.departments, who.areas) == (frozenset(), frozenset())


def test_the_overview_map_and_strip_show_an_area_scoped_reader_its_area(store):
    from datasources.open311 import with_areas
    from tests.integration.access.test_access import _overview

    reports = [
        _report("r-kinh-bac", "o-ga", 21.186, 106.076),
        _report("r-tu-son", "ngap-ung", 21.12, 105.96),
    ]
    writes.upsert_citizen_reports(store, with_areas(reports, province.current()))
    scope = {"areas": ("kinh-bac",)}
    ward = _overview(session_client(store, ("staff",), ("environment",), **scope))
    shown = json.dumps(ward["overview-map"], ensure_ascii=False)
    assert NAMES["aq-kinh-bac-01"] in shown
    assert NAMES["aq-tu-son-01"] not in shown and NAMES["aq-vo-cuong-01"] not in shown
    strip = json.dumps(ward["overview-alerts"], ensure_ascii=False)
    assert NAMES["aq-tu-son-01"] not in strip
    # Citizens' staff of the ward see its report on the map, not Từ Sơn's.
    citizens = _overview(session_client(store, ("staff",), ("citizens",), **scope))
    shown = json.dumps(citizens["overview-map"], ensure_ascii=False)
    flooding = province.current().service("ngap-ung").name
    assert province.current().service("o-ga").name in shown
    assert flooding not in shown
    leader = _overview(session_client(store, ("leader",), **scope))
    shown = json.dumps(leader["overview-map"], ensure_ascii=False)
    assert NAMES["aq-tu-son-01"] in shown and flooding in shown
