"""A component on two pages (a KPI tile, a camera cell) is judged by the page the
request came from, never by whichever page registered it last."""

from __future__ import annotations

import pytest

from security import web
from store import runtime
from tests.helpers import dash_callbacks, dash_outputs, session_client

BOTH = frozenset({"/moi-truong", "/quan-tri"})


@pytest.mark.parametrize(
    "owners, from_page, judged",
    [
        (frozenset({None}), "/quan-tri", None),
        (frozenset({"/moi-truong"}), None, "/moi-truong"),
        (frozenset({"/moi-truong"}), "/quan-tri", "/moi-truong"),
        (BOTH, "/quan-tri", "/quan-tri"),
        (BOTH, "/moi-truong", "/moi-truong"),
        (BOTH, None, False),
        (BOTH, "/", False),
        (frozenset(), "/moi-truong", False),
    ],
)
def test_the_judging_page(owners, from_page, judged):
    got = web.judging_page(owners, from_page)
    assert (got, type(got)) == (judged, type(judged))


@pytest.fixture
def env_url_on_two_pages(sqlite_engine, monkeypatch):
    """The environment page's URL sync, as if the governance page held it too."""
    runtime.set_engine(sqlite_engine)
    key = next(k for k in dash_callbacks() if k == "env-url.search")
    owners = dict(web.id_owners())
    assert owners["env-url"] == frozenset({"/moi-truong"})
    owners["env-url"] = BOTH
    monkeypatch.setattr(web, "_id_owner", owners)
    yield sqlite_engine, key
    runtime.set_engine(None)


def _post(client, key, referer):
    body = {
        "output": key,
        "outputs": dash_outputs(key)[0],
        "inputs": [
            {"id": "env-district", "property": "value", "value": None},
            {"id": "env-range", "property": "value", "value": "7d"},
        ],
        "state": [{"id": "env-url", "property": "search", "value": ""}],
        "changedPropIds": ["env-range.value"],
    }
    headers = {"Referer": f"http://localhost{referer}"} if referer else {}
    return client.post("/_dash-update-component", json=body, headers=headers)


@pytest.mark.parametrize(
    "domain, referer, status",
    [
        ("governance", "/quan-tri", 200),
        ("governance", "/moi-truong", 403),
        ("governance", None, 403),
        ("environment", "/moi-truong", 200),
        ("environment", "/quan-tri", 403),
    ],
)
def test_a_shared_component_follows_the_page_of_the_request(
    env_url_on_two_pages, domain, referer, status
):
    engine, key = env_url_on_two_pages
    client = session_client(engine, ("staff",), (domain,))
    resp = _post(client, key, referer)
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]


def test_a_component_of_one_page_is_judged_by_that_page_from_anywhere(sqlite_engine):
    runtime.set_engine(sqlite_engine)
    try:
        key = next(k for k in dash_callbacks() if k == "env-url.search")
        staff = session_client(sqlite_engine, ("staff",), ("environment",))
        other = session_client(sqlite_engine, ("staff",), ("governance",))
        assert _post(staff, key, "/quan-tri").status_code == 200
        assert _post(other, key, "/moi-truong").status_code == 403
        assert _post(other, key, "/quan-tri").status_code == 403
    finally:
        runtime.set_engine(None)
