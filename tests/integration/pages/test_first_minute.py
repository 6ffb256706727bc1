"""Every page, as every role, on an app that has just started and on a full one.

The browser's first load is replayed over HTTP: the shell's layout and the page's
layout are read as the renderer reads them, and every callback whose inputs and
outputs are on screen is called with the values the layout gives (what Dash's renderer
sends on a first load). No answer may be a 5xx or carry a traceback.

Store states:
- fresh: the profile's sensors registered, nothing else (no reading, no source health);
- failing: the ingest's "not connected" error beside a poller that is fine and one that
  never answered, a dead letter, sensors with NULL values and a half-NULL health row;
- full: a day of history, alerts, press items and citizens' reports.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

import province
from security import policy
from store import alerting, runtime, writes
from store.accounts import Principal
from store.metrics import METRICS
from store.writes import Dead, Row, now_ms
from tests.helpers import dash_route, session_client

IDENTITIES = {
    "leader": (("leader",), ()),
    "duty_officer": (("duty_officer",), ()),
    "staff-environment": (("staff",), ("environment",)),
    "staff-governance": (("staff",), ("governance",)),
    "admin": (("admin",), ()),
}


def _specs() -> list[province.SensorSpec]:
    from config import ROOT

    profile = province.load_profile(
        ROOT / "profiles" / "bac-ninh.json", known_metrics=set(METRICS)
    )
    return province.build_fleet(profile, 0)


def _fresh(engine) -> None:
    writes.sync_sensors(engine, writes.sensor_rows(_specs()))


def _failing(engine) -> None:
    _fresh(engine)
    writes.record_health(engine, "mqtt-ingest", "mqtt", False, error="not connected")
    writes.record_health(engine, "rss:http://127.0.0.1:9/rss.xml", "rss", True)
    writes.record_health(
        engine, "open311:http://127.0.0.1:9/open311/v2", "open311", False, "timeout"
    )
    writes.write_batch(engine, [], [Dead("mqtt", "{", "bad_json: test", now_ms())])


def _full(engine) -> None:
    from tools.backfill import backfill

    specs = _specs()
    _failing(engine)
    backfill(engine, specs, days=1, seed=7, step_s=1800)
    t = now_ms()
    writes.write_batch(
        engine,
        [Row(s.id, s.metrics[0], t - 5_000, 999.0) for s in specs],
    )
    writes.record_health(engine, "mqtt-ingest", "mqtt", True)
    writes.upsert_press_items(
        engine,
        [
            {
                "guid": f"g{i}",
                "source": "Báo Bắc Ninh",
                "title": f"Tin {i}",
                "link": "",
                "summary": "",
                "category": "",
                "published_ms": t - i * 60_000,
                "fetched_ms": t,
            }
            for i in range(30)
        ],
    )
    alerting.evaluate(engine, at_ms=t)


STATES = {"fresh": _fresh, "failing": _failing, "full": _full}


# -- the renderer's first load, over HTTP ---------------------------------------------


def _walk(node: object) -> Iterator[dict]:
    """Every component (``{"type", "namespace", "props"}``) in a layout tree."""
    if isinstance(node, dict):
        if "props" in node and "type" in node:
            yield node
            for value in node["props"].values():
                yield from _walk(value)
        else:
            for value in node.values():
                yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _key(cid: object) -> str:
    return json.dumps(cid, sort_keys=True) if isinstance(cid, dict) else str(cid)


def _matches(pattern: dict, cid: object) -> bool:
    if not isinstance(cid, dict) or set(cid) != set(pattern):
        return False
    return all(isinstance(v, list) or cid[k] == v for k, v in pattern.items())


def _components(*layouts: object) -> dict[str, dict]:
    found = {}
    for layout in layouts:
        for comp in _walk(layout):
            cid = comp["props"].get("id")
            if cid is not None:
                found[_key(cid)] = comp
    return found


def _resolve(spec_id: str, comps: dict[str, dict]) -> list[object] | None:
    """The concrete ids a dependency names on this screen (None: not on screen)."""
    cid = json.loads(spec_id) if spec_id.startswith("{") else spec_id
    if isinstance(cid, dict) and any(isinstance(v, list) for v in cid.values()):
        return [
            c["props"]["id"] for c in comps.values() if _matches(cid, c["props"]["id"])
        ]
    return [cid] if _key(cid) in comps else None


def _value(comps: dict, cid: object, prop: str) -> object:
    return comps[_key(cid)]["props"].get(prop)


def _entry(spec_id: str, prop: str, comps: dict, path: str, value: bool = True):
    """One dependency as the renderer sends it: a list of ids for a pattern, one id
    otherwise, with the layout's value; None when it is not on screen."""
    ids = _resolve(spec_id, comps)
    if ids is None:
        return None

    def item(cid: object) -> dict:
        out = {"id": cid, "property": prop}
        if value:
            at_location = (cid, prop) == ("_pages_location", "pathname")
            out["value"] = path if at_location else _value(comps, cid, prop)
        return out

    if spec_id.startswith("{") and "[" in spec_id:
        return [item(cid) for cid in ids]
    return item(ids[0])


def _first_load_calls(deps: list[dict], comps: dict[str, dict], path: str):
    """(key, outputs, inputs, state) of each callback the renderer fires on a first
    load: those whose outputs and inputs are all on screen."""
    for dep in deps:
        if dep.get("prevent_initial_call") or dep.get("clientside_function"):
            continue
        key = dep["output"]
        parts = [p.strip(".").split("@")[0] for p in key.strip(".").split("...")]
        outputs = [
            _entry(raw, prop, comps, path, value=False)
            for raw, prop in (part.rsplit(".", 1) for part in parts)
        ]
        inputs = [_entry(s["id"], s["property"], comps, path) for s in dep["inputs"]]
        if None in outputs or all(o == [] for o in outputs):
            continue
        if any(i is None or i == [] for i in inputs):
            continue  # an input (or a pattern's every match) not on screen
        state = []
        for s in dep["state"]:
            entry = _entry(s["id"], s["property"], comps, path)
            state.append(entry if entry is not None else {k: s[k] for k in s})
        yield key, outputs if "..." in key else outputs[0], inputs, state


def _load_page(
    client, path: str, deps: list[dict], shell: dict, answers: dict | None = None
) -> list[str]:
    """Problems of one first load of ``path`` (empty when every answer is clean);
    ``answers`` collects each callback's JSON answer by its output key."""
    problems = []
    routed = dash_route(client, path)
    if routed.status_code != 200:
        return [f"router {routed.status_code}"]
    page = routed.get_json()
    comps = _components(shell, page)
    calls = 0
    for key, outputs, inputs, state in _first_load_calls(deps, comps, path):
        body = {
            "output": key,
            "outputs": outputs,
            "inputs": inputs,
            "state": state,
            "changedPropIds": [],  # the first load: nothing changed yet
        }
        resp = client.post("/_dash-update-component", json=body)
        calls += 1
        body = resp.get_data(as_text=True)
        if answers is not None and resp.status_code == 200:
            answers[key] = resp.get_json()
        if resp.status_code >= 500 or "Traceback" in body:
            problems.append(f"{key[:80]}: {resp.status_code} {body[:200]}")
    if calls == 0:
        problems.append("no callback fired on the first load")
    return problems


# Every state on SQLite; on PostgreSQL the failing one (the others read the same
# queries and cost a minute more).
CASES = [("sqlite", s) for s in STATES] + [("postgres", "failing")]


@pytest.mark.parametrize("db, state", CASES)
def test_every_page_as_every_role_loads_without_a_server_error(request, db, state):
    import dash

    engine = request.getfixturevalue(
        "pg_engine" if db == "postgres" else "sqlite_engine"
    )
    runtime.set_engine(engine)
    request.addfinalizer(lambda: runtime.set_engine(None))
    import app  # noqa: F401 - registers pages and callbacks

    app_on = engine
    STATES[state](app_on)
    problems: dict[tuple[str, str], list[str]] = {}
    loaded = 0
    for who, (roles, domains) in IDENTITIES.items():
        client = session_client(app_on, roles, domains)
        principal = Principal(0, who, who, "user", frozenset(roles), frozenset(domains))
        deps = client.get("/_dash-dependencies").get_json()
        shell = client.get("/_dash-layout").get_json()
        for page in dash.page_registry.values():
            path = page["path"]
            direct = client.get(path)
            if not policy.can_view(principal, path):
                assert direct.status_code in (302, 303, 403), (who, path)
                continue
            assert direct.status_code == 200, (who, path, direct.status_code)
            found = _load_page(client, path, deps, shell)
            loaded += 1
            if found:
                problems[(who, path)] = found
    assert problems == {}
    assert loaded > 50


def _overview_system_text(client) -> str:
    answers: dict = {}
    deps = client.get("/_dash-dependencies").get_json()
    shell = client.get("/_dash-layout").get_json()
    assert _load_page(client, "/", deps, shell, answers) == []
    for answer in answers.values():
        system = answer["response"].get("overview-system")
        if system:
            return system["children"]
    raise AssertionError("the overview answered no system line")


def test_staff_see_only_their_domains_sensors_on_the_overview(sqlite_engine):
    """Staff of one domain were shown the fleet ("62/62 · rejected messages: 0")."""
    runtime.set_engine(sqlite_engine)
    import app  # noqa: F401

    try:
        _failing(sqlite_engine)
        specs = _specs()
        kinds = policy.readable_kinds(
            Principal(
                0, "s", "s", "user", frozenset({"staff"}), frozenset({"environment"})
            )
        )
        env = sum(1 for s in specs if s.kind in kinds)
        assert 0 < env < len(specs)
        leader = _overview_system_text(session_client(sqlite_engine, ("leader",)))
        staff = _overview_system_text(
            session_client(sqlite_engine, ("staff",), ("environment",))
        )
        gov = _overview_system_text(
            session_client(sqlite_engine, ("staff",), ("governance",))
        )
    finally:
        runtime.set_engine(None)
    assert f"0/{len(specs)}" in leader and "Bản tin lỗi: 1" in leader
    assert f"0/{env}" in staff
    assert "Bản tin lỗi" not in staff, "the data sources are not staff's to watch"
    assert "0/0" in gov


def test_the_data_sources_page_shows_failed_hung_and_fine_sources(engine):
    """/nguon-du-lieu answered 500 whenever one source had an error and another had
    not (a missing time reached the formatter as NaN): every start, every outage."""
    runtime.set_engine(engine)
    import app  # noqa: F401

    try:
        _failing(engine)
        t0 = now_ms() - 120_000
        writes.record_health(
            engine, "rss:http://slow.example/rss", "rss", True, at_ms=t0
        )
        writes.record_hung(
            engine,
            "rss:http://slow.example/rss",
            "rss",
            since_ms=t0 + 1,
            error="past its deadline",
            detail={"running_since_ms": t0 + 1, "deadline_s": 30},
        )
        client = session_client(engine, ("duty_officer",))
        answers: dict = {}
        deps = client.get("/_dash-dependencies").get_json()
        shell = client.get("/_dash-layout").get_json()
        assert _load_page(client, "/nguon-du-lieu", deps, shell, answers) == []
    finally:
        runtime.set_engine(None)
    page = json.dumps(answers, ensure_ascii=False)
    for text in (
        "mqtt-ingest",
        "not connected",
        "rss:http://127.0.0.1:9/rss.xml",
        "open311:http://127.0.0.1:9/open311/v2",
        "Treo",
        "Đang chạy từ",
        "quá hạn 30 giây",
        "Bản tin bị từ chối trong 24 giờ: 1 (lưu 1, chỉ đếm 0)",
        "bad_json: test",
    ):
        assert text in page, text
    # The worst first: hung, then failing, then fine sources.
    assert (
        page.index("rss:http://slow.example/rss")
        < page.index("mqtt-ingest")
        < page.index("rss:http://127.0.0.1:9/rss.xml")
    )
