"""Pollers over real HTTP against the simulated systems: success, timeouts, HTTP 500 and
garbage all land in the source's health; a failing source is backed off and recovers."""

from __future__ import annotations

import httpx
import pytest

import province
from config import ROOT
from datasources.press_rss import RssPoller
from simulators.systems import start_systems_server
from store import queries
from store.metrics import METRICS


@pytest.fixture
def systems():
    profile = province.load_profile(ROOT / "profiles" / "bac-ninh.json", set(METRICS))
    server, _ = start_systems_server("127.0.0.1", 0, profile, seed=5)
    yield server, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def client():
    with httpx.Client(timeout=0.5) as c:
        yield c


def _poller(base: str) -> RssPoller:
    p = RssPoller(base + "/press/rss.xml", name="rss:test", interval_s=60)
    p.retry_delay_s = 0.01
    return p


def _health(engine):
    return queries.source_health(engine).set_index("source").loc["rss:test"]


def test_rss_items_are_stored_once_and_health_is_ok(engine, systems, client):
    _server, base = systems
    poller = _poller(base)
    assert poller.run_once(engine, client)
    assert poller.run_once(engine, client)
    items = queries.press_items(engine, limit=100)
    assert len(items) == 20 and items["guid"].is_unique
    h = _health(engine)
    assert (h.status, h.ok_count, h.error_count) == ("ok", 2, 0)
    assert h.detail["new"] == 0  # the second run found nothing new


@pytest.mark.parametrize(
    "fault, words",
    [
        ("timeout", "timeout"),
        ("500", "HTTP 500"),
        ("garbage", "not XML"),
    ],
)
def test_a_failing_source_turns_red_backs_off_and_recovers(
    engine, systems, client, fault, words
):
    server, base = systems
    poller = _poller(base)
    server.faults["/press"] = fault
    assert not poller.run_once(engine, client)
    h = _health(engine)
    assert h.status == "error" and words in h.error_text
    assert h.detail["consecutive_failures"] == 1
    assert poller.run_once(engine, client) is False  # still failing
    assert not poller.due()  # backed off: the next run waits
    assert queries.press_items(engine).empty
    server.faults.clear()
    poller._next_run = 0.0  # the backoff interval has passed
    assert poller.run_once(engine, client)
    h = _health(engine)
    assert (h.status, h.consecutive_errors) == ("ok", 0)
    assert len(queries.press_items(engine)) == 20


def test_open311_reports_are_stored_and_updated_by_id(engine, systems, client):
    from datasources.open311 import Open311Poller

    _server, base = systems
    poller = Open311Poller(base + "/open311/v2", name="open311:test")
    assert poller.run_once(engine, client)
    reports = queries.citizen_reports(engine, limit=1000)
    assert len(reports) == 40 and reports["id"].is_unique
    assert set(reports["status"]) <= {"open", "closed"}
    assert poller.run_once(engine, client)  # the same ids again: no duplicates
    assert len(queries.citizen_reports(engine, limit=1000)) == 40


def test_open311_poller_sends_its_api_key_and_a_wrong_one_turns_red(
    engine, systems, client
):
    from datasources.open311 import Open311Poller

    server, base = systems
    server.api_key = "so-tttt-bac-ninh-2026"
    health = lambda: queries.source_health(engine).set_index("source").loc["o:k"]  # noqa: E731
    keyless = Open311Poller(base + "/open311/v2", name="o:k")
    assert not keyless.run_once(engine, client)
    assert "403" in health().error_text and queries.citizen_reports(engine).empty
    keyed = Open311Poller(
        base + "/open311/v2", name="o:k", api_key="so-tttt-bac-ninh-2026"
    )
    assert keyed.run_once(engine, client)
    assert health().status == "ok"
    assert len(queries.citizen_reports(engine, limit=1000)) == 40


def test_open311_garbage_is_a_clear_error():
    from datasources.open311 import parse_requests
    from datasources.pollers import PollError

    with pytest.raises(PollError, match="JSON array"):
        parse_requests({"error": "x"}, source="t")
    rows = parse_requests(
        [
            {"service_request_id": "1"},
            "junk",
            {
                "service_request_id": "2",
                "requested_datetime": "2026-11-25T07:00:00Z",
                "lat": "999",
                "status": "weird",
            },
        ],
        source="t",
    )
    assert [(r["id"], r["lat"], r["status"]) for r in rows] == [("2", None, "open")]
