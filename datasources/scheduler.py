"""The poller scheduler (APScheduler 3.x).

A 3.x job store cannot be shared between processes, so the jobs live in memory and a
lease in the store decides which process runs them: start the pollers role in two
processes by mistake and only the lease holder polls; if it dies, the other takes over
when the lease expires. Besides the pollers it runs the alert sweep (stale sensors,
rates of change, escalation of unacknowledged critical alerts).

Pollers run on their own thread pool, the lease renewal, the alert sweep and the watch
on hung runs on another: a source that hangs can hold its poller's thread, never the
lease or the alerts. A run still going past its deadline shows as 'hung' in its health.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import UTC, datetime

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


def _run_if_leader(
    lease: SchedulerLease, poller: Poller, engine: Engine, client: httpx.Client
) -> None:
    if lease.held:
        poller.run_once(engine, client)


def _sweep_alerts(lease: SchedulerLease, engine: Engine) -> None:
    """Every rule for every sensor: stale sensors, rates of change, escalation."""
    if not lease.held:
        return
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


def start_scheduler(
    engine: Engine,
    pollers: list[Poller],
    timeout_s: float = 10.0,
    alerts_every_s: float = ALERT_SWEEP_S,
) -> tuple[BackgroundScheduler, httpx.Client]:
    """Start one job per poller (the first run is immediate) on the pollers' pool,
    and the lease renewal, the alert sweep and the watch on hung runs on their own."""
    client = httpx.Client(
        timeout=httpx.Timeout(timeout_s),
        follow_redirects=True,
        headers={"User-Agent": "ioc-poller/1"},
        # A new connection per request: the deadline watches a connection from its
        # first byte (polls are a minute apart, a kept connection would have expired).
        limits=httpx.Limits(max_keepalive_connections=0),
    )
    lease = SchedulerLease(engine)
    lease.renew()
    scheduler = BackgroundScheduler(
        timezone="UTC",
        executors={
            CONTROL: ThreadPoolExecutor(3),  # one thread for each of its three jobs
            POLLERS: ThreadPoolExecutor(max(1, min(len(pollers), MAX_POLLER_THREADS))),
        },
    )
    common = {
        "max_instances": 1,
        "coalesce": True,
        "replace_existing": True,
        "next_run_time": datetime.now(UTC),
    }
    scheduler.add_job(
        lease.renew,
        "interval",
        seconds=LEASE_TTL_MS / 3000,
        id="lease",
        executor=CONTROL,
        **common,
    )
    if alerts_every_s > 0:
        scheduler.add_job(
            _sweep_alerts,
            "interval",
            seconds=alerts_every_s,
            args=(lease, engine),
            id="alerts",
            executor=CONTROL,
            **common,
        )
    scheduler.add_job(
        HungWatch(engine, pollers).check,
        "interval",
        seconds=WATCH_S,
        id="hung-watch",
        executor=CONTROL,
        **common,
    )
    for p in pollers:
        scheduler.add_job(
            _run_if_leader,
            "interval",
            seconds=p.interval_s,
            args=(lease, p, engine, client),
            id=p.name,
            name=p.name,
            executor=POLLERS,
            **common,
        )
    scheduler.start()
    log.info(
        "scheduler started with %d pollers: %s",
        len(pollers),
        ", ".join(p.name for p in pollers),
    )
    return scheduler, client
