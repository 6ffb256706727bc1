"""Scheduled briefings: 'daily' (the day before, made at its hour, 07:00 Vietnam time
by default) and 'weekly' (the week before, on its weekday). The scheduler calls
``run_due`` every minute under its lease (processes.py passes it as a
``datasources.scheduler.Job``); each due slot is claimed by inserting its unique key
into the archive (store.reports.claim_slot), so a slot is made once even by two
schedulers racing (two processes that both believe they hold the lease)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import Engine

from catalogue import DOMAINS
from i18n import TZ
from reports import periods
from store import reports as store_reports
from store.reports import RunSpec
from store.writes import now_ms

log = logging.getLogger(__name__)
EVERY_S = 60.0
# A slot missed by more than this (the system was down) is left out, not made late.
CATCH_UP_MS = 12 * 3_600_000


def due_slot(schedule: dict, at_ms: int) -> tuple[str, periods.Period] | None:
    """The newest slot of ``schedule`` due at ``at_ms`` and within CATCH_UP_MS:
    its key and the period it covers; None when none is."""
    now = datetime.fromtimestamp(at_ms / 1000, TZ)
    hour, minute = int(schedule["hour"]), int(schedule["minute"])
    today = now.date()
    if schedule["key"] == "daily":
        candidates = [today, today - timedelta(days=1)]
    else:
        back = (today.weekday() - int(schedule["weekday"])) % 7
        candidates = [today - timedelta(days=back), today - timedelta(days=back + 7)]
    for day in candidates:
        due = _at(day, hour, minute)
        if due <= at_ms:
            if at_ms - due > CATCH_UP_MS:
                return None
            if schedule["key"] == "daily":
                period = periods.make("day", day - timedelta(days=1))
            else:
                period = periods.make("week", day - timedelta(days=7))
            return f"{schedule['key']}:{day.isoformat()}", period
    return None


def _at(day: date, hour: int, minute: int) -> int:
    return int(
        datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ).timestamp()
        * 1000
    )


def run_due(
    engine: Engine,
    at_ms: int | None = None,
    make: Callable[[Engine, int], object] | None = None,
) -> list[int]:
    """Claim and make every due slot; returns the ids of the runs this call claimed.
    ``make(engine, run_id)``: reports.jobs.submit (a worker process) unless told."""
    if make is None:
        from reports import jobs

        make = jobs.submit
    at = now_ms() if at_ms is None else at_ms
    store_reports.expire_stale(engine, at)
    claimed = []
    for schedule in store_reports.schedules(engine):
        if not schedule["enabled"]:
            continue
        slot = due_slot(schedule, at)
        if slot is None:
            continue
        key, period = slot
        spec = RunSpec(
            tuple(schedule["domains"]) or DOMAINS,
            (),
            period.kind,
            period.start_ms,
            period.end_ms,
            schedule["lang"],
            tuple(schedule["formats"]) or ("pdf",),
        )
        run_id = store_reports.claim_slot(engine, key, spec, at)
        if run_id is None:
            continue  # made (or being made) already, here or by another process
        log.info("scheduled report %s claimed as run %d", key, run_id)
        claimed.append(run_id)
        make(engine, run_id)
    return claimed
