"""Nonsense in every callback input and state and in every page's URL, as a
signed-in user holding every role, on SQLite and PostgreSQL: each answer is a 200
(perhaps with a translated message), a 204 (nothing to do) or a clean 4xx JSON
error, never a 500 or a traceback, and the app still answers afterwards."""

from __future__ import annotations

import json

import dash
import pytest

from store import alerting, runtime, writes
from store.writes import Dead, Row, now_ms
from tests.helpers import (
    dash_callbacks as _callbacks,
)
from tests.helpers import (
    dash_route as _router,
)
from tests.helpers import (
    sensor_row,
    session_client,
)

T0 = now_ms() - 60_000
ALL_ROLES = ("leader", "duty_officer", "staff", "admin")
ALL_DOMAINS = ("economy", "citizens", "governance", "mobility", "environment", "living")
NONSENSE = (
    None,
    {"a": {"b": [1, None]}},
    [1, [2, "x"], {}],
    10**30,
    -1,
    0,
    3.5,
    True,
    "NaN",
    "-Infinity",
    "x" * 10_000,
    "\x00",
    "unknown-id",
    "Đường 🙂 <b>ü</b>",
)
# Ids a forged request could name in a pattern-matching input ({"type": ..., "id": ?}).
NONSENSE_IDS = (99_999_999, -1, "x", 10**30, 1.5)


@pytest.fixture
def store(engine):
    writes.sync_sensors(engine, [sensor_row(period_s=600)])
    writes.write_batch(
        engine,
        [Row("aq-kinh-bac-01", "pm25", T0, 180.0)],
        [Dead("mqtt", "{}", "bad_json: test", T0)],
    )
    writes.record_health(engine, "mqtt-ingest", "mqtt", True)
    alerting.evaluate(engine, at_ms=T0 + 100)
    runtime.set_engine(engine)
    import app  # noqa: F401 - registers pages and callbacks

    yield engine
    runtime.set_engine(None)


def _parse_id(raw: str) -> object:
    return json.loads(raw) if raw.startswith("{") else raw


def _is_wildcard(cid: object) -> bool:
    return isinstance(cid, dict) and any(isinstance(v, list) for v in cid.values())


def _concrete(cid: dict, value: object) -> dict:
    """A pattern id with its wildcard filled in by ``value``."""
    return {k: (value if isinstance(v, list) else v) for k, v in cid.items()}


def _id_text(cid: object) -> str:
    if isinstance(cid, dict):
        return json.dumps(cid, sort_keys=True, separators=(",", ":"))
    return str(cid)


def _outputs_of(key: str) -> list:
    """The outputs part of a request: a list per wildcard output (one concrete id)."""
    outs = []
    for part in key.strip(".").split("..."):
        raw, prop = part.strip(".").rsplit(".", 1)
        cid = _parse_id(raw)
        if _is_wildcard(cid):
            outs.append([{"id": _concrete(cid, "environment"), "property": prop}])
        else:
            outs.append({"id": cid, "property": prop})
    return outs


def _values_of(specs: list[dict], value: object, wildcard_id: object) -> list:
    out = []
    for spec in specs:
        cid = _parse_id(spec["id"])
        if _is_wildcard(cid):
            out.append(
                [
                    {
                        "id": _concrete(cid, wildcard_id),
                        "property": spec["property"],
                        "value": value,
                    }
                ]
            )
        else:
            out.append({"id": cid, "property": spec["property"], "value": value})
    return out


def _changed(spec: dict, wildcard_id: object) -> str:
    cid = _parse_id(spec["id"])
    if _is_wildcard(cid):
        cid = _concrete(cid, wildcard_id)
    return f"{_id_text(cid)}.{spec['property']}"


def _call(client, key: str, inputs: list, state: list, changed: list[str]):
    outputs = _outputs_of(key)
    body = {
        "output": key,
        "outputs": outputs if "..." in key else outputs[0],
        "inputs": inputs,
        "state": state,
        "changedPropIds": changed,
    }
    return client.post("/_dash-update-component", json=body)


def _problem(resp) -> str | None:
    """What is wrong with an answer to nonsense, or None when it is clean."""
    body = resp.get_data(as_text=True)
    if "Traceback" in body or 'File "' in body:
        return "traceback in the body"
    if resp.status_code in (200, 204):
        return None
    if 400 <= resp.status_code < 500:
        err = (resp.get_json(silent=True) or {}).get("error") or {}
        return None if err.get("code") else f"{resp.status_code} without a JSON error"
    return f"{resp.status_code}: {body[:200]}"


def _assert_clean(resp, what: object) -> None:
    problem = _problem(resp)
    assert problem is None, (what, problem)


def _still_answers(client) -> None:
    resp = _router(client, "/", "")
    assert resp.status_code == 200
    assert "overview-map" in resp.get_data(as_text=True)


def test_every_callback_survives_nonsense_in_every_input_and_state(store):
    client = session_client(store, ALL_ROLES, ALL_DOMAINS)
    callbacks = _callbacks()
    assert len(callbacks) > 15
    sent = 0
    failures: dict[tuple, str] = {}

    def check(resp, key: str, trigger: dict, value: object, how: object) -> None:
        problem = _problem(resp)
        if problem is not None:
            failures.setdefault((key, trigger["id"]), f"{value!r:.60} {how}: {problem}")

    for key, spec in callbacks.items():
        inputs, states = spec["inputs"], spec["state"]
        for value in NONSENSE:
            for wildcard_id in NONSENSE_IDS[:1] if value is not None else NONSENSE_IDS:
                ins = _values_of(inputs, value, wildcard_id)
                sts = _values_of(states, value, wildcard_id)
                for trigger in inputs:
                    changed = [_changed(trigger, wildcard_id)]
                    resp = _call(client, key, ins, sts, changed)
                    check(resp, key, trigger, value, wildcard_id)
                    sent += 1
        # One input nonsense at a time, the others empty (what a browser sends).
        for i, trigger in enumerate(inputs):
            for value in NONSENSE:
                ins = _values_of(inputs, None, 1)
                ins[i] = _values_of([trigger], value, 1)[0]
                sts = _values_of(states, None, 1)
                resp = _call(client, key, ins, sts, [_changed(trigger, 1)])
                check(resp, key, trigger, value, "alone")
                sent += 1
    assert failures == {}
    assert sent > 500
    _still_answers(client)


def test_a_malformed_callback_body_is_a_clean_4xx(store):
    client = session_client(store, ALL_ROLES, ALL_DOMAINS)
    key = next(k for k in _callbacks() if "press-list" in k)
    for body in (
        None,
        [],
        "x",
        {"output": key},
        {"output": key, "outputs": {"id": "press-list", "property": "children"}},
        {"output": "nobody.children", "outputs": {"id": "nobody", "property": "x"}},
    ):
        resp = client.post("/_dash-update-component", json=body)
        _assert_clean(resp, body)
    resp = client.post(
        "/_dash-update-component", data=b"\xff{", content_type="application/json"
    )
    _assert_clean(resp, "not JSON")
    _still_answers(client)


# -- URL parameters through the Dash router ------------------------------------------

NONSENSE_QUERIES = (
    "?district=%00",
    "?range=99999d",
    "?range=-1d&range=7d",
    "?district=tu-son&district=kinh-bac",
    "?kind=air&kind=water&state=ok&state=alarm",
    "?state=%F0%9F%99%82&severity=%C4%90%C6%B0%E1%BB%9Dng",
    "?kind=" + "x" * 10_000,
    "?domain[]=1&severity[a]=2",
    "?%00=%00",
    "?=&&&=x",
    "?kiosk=NaN&pages=javascript:alert(1)&every=-5",
    "?district=%ZZ&range=%",
    "?" + "&".join(f"p{i}=v" for i in range(500)),
)


def test_every_page_renders_or_warns_with_nonsense_in_its_url(store):
    client = session_client(store, ALL_ROLES, ALL_DOMAINS)
    for page in dash.page_registry.values():
        for search in NONSENSE_QUERIES:
            resp = _router(client, page["path"], search)
            _assert_clean(resp, (page["path"], search[:60]))
            assert resp.status_code == 200, (page["path"], search[:60])
            # The same URL loaded by the browser: the page shell, not an error.
            direct = client.get(page["path"] + search)
            assert direct.status_code == 200, (page["path"], search[:60])
    for path in ("/khong-co", "/%00", "/" + "x" * 3000, "/cam-bien/../he-thong"):
        _assert_clean(_router(client, path, "?x=1"), path)
    _still_answers(client)
