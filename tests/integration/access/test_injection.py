"""SQL injection through every filter a page reads from its URL or its dropdowns and
through every REST API parameter and path segment, on SQLite and PostgreSQL: each is
a clean 400 (API) or a translated warning naming the value (pages), never a 500, and
no table loses or gains a row."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pytest
from sqlalchemy import func, inspect, select

from i18n import t
from store import alerting, runtime, writes
from store.schema import Base
from store.writes import Dead, Row, now_ms
from tests.helpers import (
    api_client,
    sensor_row,
    session_client,
)
from tests.helpers import (
    dash_callbacks as _callbacks,
)
from tests.helpers import (
    dash_post as _post,
)
from tests.helpers import (
    dash_route as _router,
)

T0 = now_ms() - 60_000
INJECTIONS = (
    "' OR 1=1 --",
    "1; DROP TABLE readings; --",
    "%' UNION SELECT username, password_hash FROM users --",
    '"; DELETE FROM sensors; --',
    "kinh-bac' AND '1'='1",
    "\x00",
    "air\x00' OR '1'='1",
    "x" * 5000,
)
IDS = [
    "or-1-1",
    "drop",
    "union",
    "delete",
    "and",
    "nul",
    "nul-inside",
    "long",
]
# Tables whose rows the requests must leave alone (sessions, sign-ins and the
# audit trail change with every signed-in request, by design).
DATA_TABLES = (
    "sensors",
    "readings",
    "latest_values",
    "rollup_1m",
    "rollup_1h",
    "alerts",
    "alert_rules",
    "press_items",
    "citizen_reports",
    "dead_letters",
    "source_health",
    "api_keys",
    "users",
)
ALL_TABLES = {t.name for t in Base.metadata.sorted_tables}


@pytest.fixture
def store(engine):
    writes.sync_sensors(
        engine,
        [
            sensor_row(period_s=600),
            sensor_row(
                "wl-cau-1", kind="water", metrics=["water_level"], area="vu-ninh"
            ),
        ],
    )
    writes.write_batch(
        engine,
        [Row("aq-kinh-bac-01", "pm25", T0, 180.0)],
        [Dead("mqtt", "{}", "bad_json: test", T0)],
    )
    writes.upsert_press_items(
        engine,
        [
            {
                "guid": "g1",
                "source": "Báo Bắc Ninh",
                "title": "Tin",
                "link": "https://example.org/a",
                "summary": "",
                "category": "",
                "published_ms": T0,
                "fetched_ms": T0,
            }
        ],
    )
    writes.upsert_citizen_reports(
        engine,
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
    writes.record_health(engine, "mqtt-ingest", "mqtt", True)
    alerting.evaluate(engine, at_ms=T0 + 100)
    runtime.set_engine(engine)
    import app  # noqa: F401 - registers pages and callbacks

    yield engine
    runtime.set_engine(None)


def _counts(engine) -> dict[str, int]:
    meta = {t.name: t for t in Base.metadata.sorted_tables}
    with engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(meta[name])).scalar()
            for name in DATA_TABLES
        }


def _assert_untouched(engine, before: dict[str, int]) -> None:
    assert ALL_TABLES <= set(inspect(engine).get_table_names())
    assert _counts(engine) == before


def _json_error(resp, status: int | tuple[int, ...], parameter: str | None = None):
    statuses = status if isinstance(status, tuple) else (status,)
    body = resp.get_data(as_text=True)
    assert resp.status_code in statuses, (resp.status_code, body[:300])
    assert "Traceback" not in body and 'File "' not in body
    err = resp.get_json()["error"]
    assert err["code"] and err["message"]
    if parameter is not None:
        assert err["parameter"] == parameter, err
    return err


# -- REST API --------------------------------------------------------------------------

API_PARAMS = [
    ("/api/v1/sensors", "kind"),
    ("/api/v1/sensors", "area"),
    ("/api/v1/sensors", "region"),
    ("/api/v1/sensors", "state"),
    ("/api/v1/sensors/aq-kinh-bac-01/series", "metric"),
    ("/api/v1/sensors/aq-kinh-bac-01/series", "from"),
    ("/api/v1/sensors/aq-kinh-bac-01/series", "to"),
    ("/api/v1/sensors/aq-kinh-bac-01/series", "step"),
    ("/api/v1/aqi", "at"),
    ("/api/v1/aqi/aq-kinh-bac-01", "at"),
    ("/api/v1/alerts", "state"),
    ("/api/v1/alerts", "severity"),
    ("/api/v1/alerts", "domain"),
    ("/api/v1/alerts", "district"),
    ("/api/v1/alerts", "limit"),
]


def test_injection_in_every_api_parameter_is_a_400_naming_it(store):
    client = api_client(store, ("leader",))
    before = _counts(store)
    for path, param in API_PARAMS:
        base = {"metric": "pm25"} if path.endswith("/series") else {}
        for payload in INJECTIONS:
            query = urlencode({**base, param: payload})
            resp = client.get(f"{path}?{query}")
            _json_error(resp, 400, param)
    # The same requests with a good value still answer.
    assert client.get("/api/v1/sensors?kind=air").get_json()["count"] == 1
    _assert_untouched(store, before)


@pytest.mark.parametrize("payload", INJECTIONS, ids=IDS)
def test_injection_in_every_api_path_segment_is_a_clean_4xx(store, payload):
    client = api_client(store, ("duty_officer",))
    before = _counts(store)
    segment = quote(payload, safe="")
    for path in (
        f"/api/v1/sensors/{segment}/latest",
        f"/api/v1/sensors/{segment}/series?metric=pm25",
        f"/api/v1/aqi/{segment}",
    ):
        _json_error(client.get(path), (400, 404))
    # No such route: a JSON 404/405 (the pages own GET on every other path).
    resp = client.post(f"/api/v1/alerts/{segment}/acknowledge", json={})
    _json_error(resp, (404, 405))
    _assert_untouched(store, before)


@pytest.mark.parametrize("payload", INJECTIONS, ids=IDS)
def test_injection_in_an_acknowledgement_note_is_stored_as_text_or_refused(
    store, payload
):
    alert_id = int(alerting.alerts(store).iloc[0]["id"])
    client = api_client(store, ("duty_officer",))
    before = _counts(store)
    resp = client.post(f"/api/v1/alerts/{alert_id}/acknowledge", json={"note": payload})
    row = alerting.alerts(store, alert_id=alert_id).iloc[0]
    if resp.status_code == 200:
        assert row["ack_note"] == payload.strip()
    else:
        _json_error(resp, 400, "note")
        assert row["state"] == "open"
    _assert_untouched(store, before)


# -- pages: the URL through the Dash router, and the filters' callbacks ---------------

PAGE_FILTERS = {
    "/cam-bien": ("kind", "district", "state"),
    "/canh-bao": ("state", "severity", "domain", "district"),
    "/moi-truong": ("district", "range"),
}


def _named(payload: str, param: str) -> str:
    """How the warning names the value, as it appears in a JSON answer."""
    return json.dumps(f"{param}={payload[:40]}", ensure_ascii=False)[1:-1]


def _text(resp) -> str:
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200, (resp.status_code, body[:300])
    assert "Traceback" not in body and 'File "' not in body
    return json.dumps(resp.get_json(), ensure_ascii=False)


@pytest.mark.parametrize("payload", INJECTIONS, ids=IDS)
def test_injection_in_every_page_url_filter_is_named_in_a_warning(store, payload):
    client = session_client(
        store, ("leader", "duty_officer", "staff", "admin"), ("environment",)
    )
    before = _counts(store)
    warning = t("filter.invalid", "vi", values="")
    for path, params in PAGE_FILTERS.items():
        for param in params:
            text = _text(_router(client, path, "?" + urlencode({param: payload})))
            assert warning in text, (path, param)
            assert _named(payload, param) in text, (path, param)
    _assert_untouched(store, before)


def _filter_call(client, output: str, values: dict[str, object], state=()):
    key = next(k for k in _callbacks() if k.startswith(f"..{output}") or k == output)
    inputs = [{"id": i, "property": p, "value": v} for (i, p), v in values.items()]
    return _post(
        client,
        key,
        inputs=inputs,
        state=list(state),
        changed=[f"{inputs[0]['id']}.{inputs[0]['property']}"],
    )


ENV_STATE = [{"id": "env-sent", "property": "data", "value": None}]


@pytest.mark.parametrize("payload", INJECTIONS, ids=IDS)
def test_injection_in_every_filter_callback_changes_nothing(store, payload):
    client = session_client(
        store, ("leader", "duty_officer", "staff", "admin"), ("environment",)
    )
    before = _counts(store)
    # Sensors: unknown values are dropped; the grid shows what the others select.
    for which in ("kind", "district", "state"):
        values = {
            ("sensors-kind", "value"): None,
            ("sensors-district", "value"): None,
            ("sensors-state", "value"): None,
        }
        values[(f"sensors-{which}", "value")] = payload
        _text(_filter_call(client, "sensors-table.rowData", values))
    # Alerts: the list is replaced by a warning naming the value.
    for which in ("state", "severity", "domain", "district"):
        values = {
            ("alerts-interval", "n_intervals"): 1,
            ("alerts-state", "value"): None,
            ("alerts-severity", "value"): None,
            ("alerts-domain", "value"): None,
            ("alerts-district", "value"): None,
            ("alerts-ack-done", "data"): None,
            ("alerts-rule-done", "data"): None,
        }
        values[(f"alerts-{which}", "value")] = payload
        state = [{"id": "alerts-signature", "property": "data", "value": None}]
        text = _text(_filter_call(client, "alerts-table.children", values, state))
        assert _named(payload, which) in text
    # Environment: an unknown area or range falls back to the whole province, 24 h.
    for which in ("district", "range"):
        values = {
            ("env-interval", "n_intervals"): None,
            ("env-district", "value"): None,
            ("env-range", "value"): "24h",
            ("env-station", "value"): None,
            ("env-gauge", "value"): None,
        }
        values[(f"env-{which}", "value")] = payload
        _text(_filter_call(client, "env-map.figure", values, ENV_STATE))
    # The station and gauge pick lists: an unknown station shows no data.
    for which in ("station", "gauge"):
        values = {
            ("env-interval", "n_intervals"): None,
            ("env-district", "value"): None,
            ("env-range", "value"): "24h",
            ("env-station", "value"): None,
            ("env-gauge", "value"): None,
        }
        values[(f"env-{which}", "value")] = payload
        _text(_filter_call(client, "env-map.figure", values, ENV_STATE))
    # The audit trail's free-text filters (admin).
    for which in ("action", "actor", "range"):
        values = {
            ("admin-audit-action", "value"): None,
            ("admin-audit-actor", "value"): None,
            ("admin-audit-range", "value"): "7d",
            ("admin-interval", "n_intervals"): None,
            ("admin-user-done", "data"): None,
            ("admin-key-done", "data"): None,
        }
        values[(f"admin-audit-{which}", "value")] = payload
        _text(_filter_call(client, "admin-audit.children", values))
    _assert_untouched(store, before)
