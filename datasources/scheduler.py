"""The scheduler (APScheduler 3.x): it runs a list of jobs (``Job``).

A 3.x job store cannot be shared between processes, so the jobs live in memory and a
lease in the store decides which process runs them: start the pollers role in two
processes by mistake and only the lease holder runs the leader-only jobs (the pollers,
the alert sweep: stale sensors, rates of change, escalation of unacknowledged critical
alerts); if it dies, the other takes over when the lease expires.

Every job names its pool: the pollers run on their own thread pool, the lease
renewal, the alert sweep and the watch on hung runs on the control pool, so a source
that hangs can hold its poller's thread, never the lease or the alerts. A run still
going past its deadline shows as 'hung' in its health. Other modules add their jobs
(SLA sweeps, scheduled reports) by passing more ``Job`` s to ``start_scheduler``.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import httpx
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from datasources.pollers import Poller
from store import alerting, leases
from store.writes import record_hung

log = logging.getLogger(__name__)
LEASE = "scheduler"
LEASE_TTL_MS = 30_000
ALERT_SWEEP_S = 5.0
WATCH_S = 1.0  # how often in-flight runs are checked against their deadlines
HUNG_GRACE_S = 1.0  # past the deadline, time for a run to record its own end
MAX_POLLER_THREADS = 32
CONTROL = "control"  # executor of the lease, the alert sweep and the watch
POLLERS = "pollers"  # executor of the pollers
Pool = Literal["control", "pollers"]


@dataclass(frozen=True)
class Job:
    """One scheduled job: ``run()`` every ``every_s`` seconds (the first run at
    once) on ``pool``; a ``leader_only`` job runs only while this process holds the
    scheduler lease. A job never runs twice at once, and missed runs coalesce."""

    id: str
    every_s: float
    run: Callable[[], object]
    pool: Pool = CONTROL
    leader_only: bool = True


class SchedulerLease:
    def __init__(self, engine: Engine, holder: str | None = None) -> None:
        self.engine = engine
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}"
        self.held = False

    def renew(self) -> bool:
        try:
            held = leases.acquire(self.engine, LEASE, self.holder, LEASE_TTL_MS)
        except SQLAlchemyError as exc:
            log.warning("could not renew the scheduler lease: %s", exc)
            held = False
        if held != self.held:
            log.info(
                "scheduler lease %s by %s", "taken" if held else "lost", self.holder
            )
        self.held = held
        return held


def _if_leader(lease: SchedulerLease, run: Callable[[], object]) -> None:
    if lease.held:
        run()


def _sweep_alerts(engine: Engine) -> None:
    """Every rule for every sensor: stale sensors, rates of change, escalation."""
    try:
        alerting.evaluate(engine)
    except SQLAlchemyError as exc:
        log.warning("alert sweep could not reach the store: %s", exc)


class HungWatch:
    """Marks a poller's run 'hung' in its health, once per run, when it is still going
    past its deadline (a poller deaf to its deadline, a store that does not answer)."""

    def __init__(self, engine: Engine, pollers: list[Poller]) -> None:
        self.engine = engine
        self.pollers = pollers
        self._marked: dict[str, tuple[float, int]] = {}

    def check(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        for p in self.pollers:
            run = p.in_flight
            if run is None or self._marked.get(p.name) == run:
                continue
            started, since_ms = run
            if now - started <= p.deadline_s + HUNG_GRACE_S:
                continue
            self._marked[p.name] = run
            since = datetime.fromtimestamp(since_ms / 1000, UTC)
            error = (
                f"running since {since:%Y-%m-%d %H:%M:%S} UTC, "
                f"past its {p.deadline_s:g} s deadline"
            )
            log.warning("poller %s hung: %s", p.name, error)
            try:
                record_hung(
                    self.engine,
                    p.name,
                    p.kind,
                    since_ms,
                    error,
                    detail={
                        "running_since_ms": since_ms,
                        "deadline_s": p.deadline_s,
                        "consecutive_failures": p.consecutive_failures,
                    },
                )
            except SQLAlchemyError as exc:
                log.warning("could not record that %s hung: %s", p.name, exc)


def poller_jobs(
    pollers: Sequence[Poller], engine: Engine, client: httpx.Client
) -> list[Job]:
    """One leader-only job per poller on the pollers' pool, named after it."""
    return [
        Job(
            p.name,
            p.interval_s,
            functools.partial(p.run_once, engine, client),
            pool=POLLERS,
        )
        for p in pollers
    ]


def alert_sweep_job(engine: Engine, every_s: float = ALERT_SWEEP_S) -> Job:
    return Job("alerts", every_s, functools.partial(_sweep_alerts, engine))


def http_client(timeout_s: float) -> httpx.Client:
    """The pollers' one HTTP client."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout_s),
        follow_redirects=True,
        headers={"User-Agent": "ioc-poller/1"},
        # A new connection per request: the deadline watches a connection from its
        # first byte (polls are a minute apart, a kept connection would have expired).
        limits=httpx.Limits(max_keepalive_connections=0),
    )


def run_jobs(lease: SchedulerLease, jobs: Sequence[Job]) -> BackgroundScheduler:
    """Start a scheduler running ``jobs``: one thread per control job (none waits
    for another), as many as there are poller jobs on the pollers' pool (at most
    MAX_POLLER_THREADS)."""
    ids = [j.id for j in jobs]
    if len(set(ids)) != len(ids):
        raise ValueError(f"scheduler jobs with the same id: {sorted(ids)}")
    sizes = {
        pool: sum(1 for j in jobs if j.pool == pool) for pool in (CONTROL, POLLERS)
    }
    scheduler = BackgroundScheduler(
        timezone="UTC",
        executors={
            CONTROL: ThreadPoolExecutor(max(1, sizes[CONTROL])),
            POLLERS: ThreadPoolExecutor(
                max(1, min(sizes[POLLERS], MAX_POLLER_THREADS))
            ),
        },
    )
    for job in jobs:
        run = (
            functools.partial(_if_leader, lease, job.run)
            if job.leader_only
            else job.run
        )
        scheduler.add_job(
            run,
            "interval",
            seconds=job.every_s,
            id=job.id,
            name=job.id,
            executor=job.pool,
            max_instances=1,
            coalesce=True,
            replace_existing=True,
            next_run_time=datetime.now(UTC),
        )
    scheduler.start()
    return scheduler


def start_scheduler(
    engine: Engine,
    pollers: list[Poller],
    timeout_s: float = 10.0,
    alerts_every_s: float = ALERT_SWEEP_S,
    jobs: Sequence[Job] = (),
) -> tuple[BackgroundScheduler, httpx.Client]:
    """Start the lease renewal, the alert sweep (unless ``alerts_every_s`` is 0) and
    the watch on hung runs on the control pool, one job per poller on the pollers'
    pool, and the other modules' ``jobs``."""
    client = http_client(timeout_s)
    lease = SchedulerLease(engine)
    lease.renew()
    control = [
        Job("lease", LEASE_TTL_MS / 3000, lease.renew, leader_only=False),
        Job("hung-watch", WATCH_S, HungWatch(engine, pollers).check, leader_only=False),
    ]
    if alerts_every_s > 0:
        control.insert(1, alert_sweep_job(engine, alerts_every_s))
    all_jobs = [*control, *poller_jobs(pollers, engine, client), *jobs]
    try:
        scheduler = run_jobs(lease, all_jobs)
    except ValueError:
        client.close()
        raise
    log.info(
        "scheduler started with %d pollers: %s; other jobs: %s",
        len(pollers),
        ", ".join(p.name for p in pollers),
        ", ".join(j.id for j in jobs) or "none",
    )
    return scheduler, client
