"""Pollers that hang (a run that ignores its deadline, a store that never answers)
cannot starve the scheduler: the lease renewal and the alert sweep keep their pace,
and a run past its deadline shows as hung on the data-sources page until it ends."""

from __future__ import annotations

import threading

import pytest

from components.tables import state_badge
from datasources import scheduler as scheduler_module
from datasources.pollers import Poller
from datasources.scheduler import start_scheduler
from i18n import t
from store import alerting, leases, queries
from tests.helpers import wait_for


class HangingPoller(Poller):
    """A poller whose fetch blocks until the test releases it, deaf to its deadline
    (as a poller stuck in a library call or on a locked store would be)."""

    kind = "test"

    def __init__(self, name: str, release: threading.Event) -> None:
        super().__init__()
        self.name = name
        self.interval_s = 0.1
        self.release = release
        self.entered = 0

    def fetch(self, client, deadline=None):  # noqa: ANN001, ANN201
        self.entered += 1
        self.release.wait(30)
        return []

    def normalise(self, raw):  # noqa: ANN001, ANN201
        return raw

    def write(self, engine, records):  # noqa: ANN001, ANN201
        return 0


@pytest.fixture
def release():
    ev = threading.Event()
    yield ev
    ev.set()


def _counting(monkeypatch, module, name: str) -> list[int]:  # noqa: ANN001
    calls = [0]
    real = getattr(module, name)

    def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


def test_lease_and_alert_sweep_keep_running_while_pollers_hang(
    engine, monkeypatch, release
):
    monkeypatch.setattr(scheduler_module, "LEASE_TTL_MS", 600)  # renewed every 0.2 s
    renewals = _counting(monkeypatch, leases, "acquire")
    sweeps = _counting(monkeypatch, alerting, "evaluate")
    # More hanging pollers than APScheduler's default pool has threads.
    pollers = [HangingPoller(f"hang:{i:02d}", release) for i in range(12)]
    scheduler, client = start_scheduler(
        engine, pollers, timeout_s=0.5, alerts_every_s=0.1
    )
    try:
        wait_for(
            lambda: sum(p.entered for p in pollers) >= 10, message="pollers hanging"
        )
        r0, s0 = renewals[0], sweeps[0]
        wait_for(
            lambda: renewals[0] >= r0 + 5 and sweeps[0] >= s0 + 5,
            timeout=5,
            message=f"renewals and sweeps go on ({renewals}, {sweeps})",
        )
        assert leases.acquire(engine, "scheduler", "someone-else", 600) is False
    finally:
        release.set()
        scheduler.shutdown(wait=True)
        client.close()


def test_a_run_past_its_deadline_shows_as_hung_until_it_ends(engine, release):
    poller = HangingPoller("hang:one", release)
    poller.deadline_s = 0.2
    scheduler, client = start_scheduler(engine, [poller], alerts_every_s=0)

    def status() -> str | None:
        df = queries.source_health(engine)
        rows = df[df["source"] == "hang:one"]
        return None if rows.empty else rows.iloc[0].status

    try:
        wait_for(lambda: status() == "hung", timeout=5, message="hung")
        h = queries.source_health(engine).set_index("source").loc["hang:one"]
        assert "running since" in h.error_text and "deadline" in h.error_text
        assert h.detail["running_since_ms"] <= h.last_error_ms
        assert (h.ok_count, h.error_count) == (0, 0)  # hung is no finished run
        assert state_badge(h.status, "").color == "danger"
        assert t("state.hung", "vi") != t("state.hung", "en")  # both translated
        release.set()
        wait_for(lambda: status() == "ok", timeout=5, message="ok once it ends")
    finally:
        release.set()
        scheduler.shutdown(wait=True)
        client.close()


def test_a_run_that_ended_meanwhile_is_never_marked_hung(engine):
    from store.writes import record_health, record_hung

    t0 = 1_800_000_000_000
    record_hung(engine, "s", "rss", since_ms=t0, error="running since t0", at_ms=t0 + 5)
    h = queries.source_health(engine).iloc[0]
    assert (h.status, h.ok_count, h.error_count) == ("hung", 0, 0)
    # The run ends, then the watch (which saw it in flight) writes late: ignored.
    record_health(engine, "s", "rss", True, at_ms=t0 + 6)
    record_hung(engine, "s", "rss", since_ms=t0, error="late", at_ms=t0 + 7)
    h = queries.source_health(engine).iloc[0]
    assert (h.status, h.ok_count, h.error_text) == ("ok", 1, "running since t0")
    # The next run hangs: marked, counts kept.
    record_hung(engine, "s", "rss", since_ms=t0 + 10, error="again", at_ms=t0 + 20)
    h = queries.source_health(engine).iloc[0]
    assert (h.status, h.ok_count, h.error_text) == ("hung", 1, "again")
