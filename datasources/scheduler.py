"""The poller scheduler (APScheduler 3.x).

A 3.x job store cannot be shared between processes, so the jobs live in memory and a
lease in the store decides which process runs them: start the pollers role in two
processes by mistake and only the lease holder polls; if it dies, the other takes over
when the lease expires. Besides the pollers it runs the alert sweep (stale sensors,
rates of change, escalation of unacknowledged critical alerts).
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import UTC, datetime

import httpx
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from datasources.pollers import Poller
from store import alerting, leases

log = logging.getLogger(__name__)
LEASE = "scheduler"
LEASE_TTL_MS = 30_000
ALERT_SWEEP_S = 5.0


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


def start_scheduler(
    engine: Engine,
    pollers: list[Poller],
    timeout_s: float = 10.0,
    alerts_every_s: float = ALERT_SWEEP_S,
) -> tuple[BackgroundScheduler, httpx.Client]:
    """Start one job per poller (the first run is immediate), the alert sweep and the
    lease renewal."""
    client = httpx.Client(
        timeout=httpx.Timeout(timeout_s),
        follow_redirects=True,
        headers={"User-Agent": "ioc-poller/1"},
    )
    lease = SchedulerLease(engine)
    lease.renew()
    scheduler = BackgroundScheduler(timezone="UTC")
    common = {
        "max_instances": 1,
        "coalesce": True,
        "replace_existing": True,
        "next_run_time": datetime.now(UTC),
    }
    scheduler.add_job(
        lease.renew, "interval", seconds=LEASE_TTL_MS / 3000, id="lease", **common
    )
    if alerts_every_s > 0:
        scheduler.add_job(
            _sweep_alerts,
            "interval",
            seconds=alerts_every_s,
            args=(lease, engine),
            id="alerts",
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
            **common,
        )
    scheduler.start()
    log.info(
        "scheduler started with %d pollers: %s",
        len(pollers),
        ", ".join(p.name for p in pollers),
    )
    return scheduler, client
