"""The scheduler runs a list of jobs: other modules' jobs beside the pollers, the
leader-only ones only while this process holds the lease."""

from __future__ import annotations

import threading

import pytest

from datasources import scheduler as scheduler_module
from datasources.pollers import Poller
from datasources.scheduler import CONTROL, POLLERS, Job, start_scheduler
from store import leases
from tests.helpers import wait_for


class CountingPoller(Poller):
    kind = "test"

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.interval_s = 0.1
        self.runs = 0

    def fetch(self, client, deadline=None):  # noqa: ANN001, ANN201
        self.runs += 1
        return []

    def normalise(self, raw):  # noqa: ANN001, ANN201
        return raw

    def write(self, engine, records):  # noqa: ANN001, ANN201
        return 0


def _counter() -> tuple[list[int], object]:
    calls = [0]

    def run() -> None:
        calls[0] += 1

    return calls, run


def test_jobs_of_other_modules_run_beside_the_pollers(sqlite_engine):
    poller = CountingPoller("count:1")
    sla, run_sla = _counter()
    report, run_report = _counter()
    jobs = [
        Job("sla-sweep", 0.1, run_sla),
        Job("report", 0.1, run_report, pool=POLLERS, leader_only=False),
    ]
    scheduler, client = start_scheduler(
        sqlite_engine, [poller], alerts_every_s=0, jobs=jobs
    )
    try:
        wait_for(
            lambda: poller.runs >= 2 and sla[0] >= 2 and report[0] >= 2,
            timeout=5,
            message="pollers and the added jobs run",
        )
        executors = {j.id: j.executor for j in scheduler.get_jobs()}
        assert executors == {
            "lease": CONTROL,
            "hung-watch": CONTROL,
            "count:1": POLLERS,
            "sla-sweep": CONTROL,
            "report": POLLERS,
        }
    finally:
        scheduler.shutdown(wait=True)
        client.close()


def test_without_the_lease_only_the_jobs_that_do_not_need_it_run(
    sqlite_engine, monkeypatch
):
    assert leases.acquire(sqlite_engine, "scheduler", "another-process", 60_000)
    monkeypatch.setattr(scheduler_module, "LEASE_TTL_MS", 600)  # renewed every 0.2 s
    poller = CountingPoller("count:2")
    leader, run_leader = _counter()
    anyone, run_anyone = _counter()
    renewed = threading.Event()
    real_acquire = leases.acquire

    def acquire(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        result = real_acquire(*args, **kwargs)
        renewed.set()
        return result

    monkeypatch.setattr(leases, "acquire", acquire)
    jobs = [
        Job("leader", 0.05, run_leader),
        Job("anyone", 0.05, run_anyone, leader_only=False),
    ]
    scheduler, client = start_scheduler(
        sqlite_engine, [poller], alerts_every_s=0, jobs=jobs
    )
    try:
        wait_for(lambda: anyone[0] >= 5, timeout=5, message="non-leader job runs")
        assert renewed.is_set()
        assert (leader[0], poller.runs) == (0, 0)
    finally:
        scheduler.shutdown(wait=True)
        client.close()


def test_two_jobs_with_one_id_are_refused(sqlite_engine):
    _calls, run = _counter()
    with pytest.raises(ValueError, match="same id"):
        start_scheduler(
            sqlite_engine, [], alerts_every_s=0, jobs=[Job("lease", 1, run)]
        )
