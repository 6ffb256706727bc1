"""Reports people ask for and download: who may, of what, and the audit trail.

- Asking (``request``): the ``reports.export`` action; the domains must be among
  those the caller reads (a staff member: their own), the areas inside their areas
  (a staff member narrowed to areas who names none gets theirs); the period is
  bounded (reports.periods.MAX_DAYS) and so are the caller's runs in flight.
- Seeing and downloading (``visible``, ``download``): one's own runs, and the
  scheduled briefings whose domains and areas lie in one's scope; anything else is
  "not found" (it is not named either). Every download is audited.
- Schedules (``update_schedule``): admins (``reports.schedule``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import catalogue
import province
from reports import periods
from security import policy
from store import reports as store_reports
from store.accounts import Principal
from store.reports import FORMATS, MEDIA_TYPES, RunSpec
from store.writes import now_ms
from usecases import (
    CONFLICT,
    INVALID,
    NOT_FOUND,
    Caller,
    UseCaseError,
    authorise,
    record,
)

EXPORT = "reports.export"
SCHEDULE = "reports.schedule"
LANGS = ("vi", "en")
MAX_IN_FLIGHT = 2  # a caller's runs queued or running at once
MAX_AREAS = 50


@dataclass(frozen=True)
class Request:
    domains: Sequence[str]
    period: str
    first: date | None
    last: date | None = None
    areas: Sequence[str] = ()
    lang: str = "vi"
    formats: Sequence[str] = ("pdf",)


def owner_of(who: Principal) -> str:
    """The run owner's key: names may repeat (two API keys), ids do not."""
    return f"{who.kind}:{who.id}"


def allowed_domains(who: Principal | None) -> tuple[str, ...]:
    """The domains ``who`` may report on, in catalogue order."""
    seen = policy.visible_domains(who)
    return tuple(d for d in catalogue.DOMAINS if seen is None or d in seen)


def check(who: Principal, req: Request, at_ms: int) -> RunSpec:
    """The spec of a request the caller may make; UseCaseError(INVALID) naming the
    first thing wrong."""
    domains = tuple(dict.fromkeys(req.domains))
    if not domains:
        raise UseCaseError(INVALID, "reports.err.domains")
    if any(d not in allowed_domains(who) for d in domains):
        raise UseCaseError(INVALID, "reports.err.domains")
    formats = tuple(dict.fromkeys(req.formats))
    if not formats or any(f not in FORMATS for f in formats):
        raise UseCaseError(INVALID, "reports.err.formats")
    if req.lang not in LANGS:
        raise UseCaseError(INVALID, "reports.err.lang")
    profile = province.current()
    areas = tuple(dict.fromkeys(req.areas))
    if len(areas) > MAX_AREAS or any(a not in profile.areas for a in areas):
        raise UseCaseError(INVALID, "reports.err.areas")
    mine = policy.visible_areas(who)
    if mine is not None:
        if not areas:
            areas = tuple(sorted(who.areas))
        if not profile.descendants(areas) <= mine:
            raise UseCaseError(INVALID, "reports.err.areas")
    try:
        first = req.first or periods.today(at_ms)
        period = periods.make(req.period, first, req.last)
    except periods.PeriodError as exc:
        raise UseCaseError(INVALID, exc.key) from exc
    if period.start_ms > at_ms:
        raise UseCaseError(INVALID, "reports.err.future")
    return RunSpec(
        domains, areas, period.kind, period.start_ms, period.end_ms, req.lang, formats
    )


def request(engine: object, caller: Caller, req: Request, origin: str = "page") -> int:
    """A queued run of the caller's request; returns its id (the caller submits it
    to reports.jobs)."""
    who = authorise(engine, caller, EXPORT)
    at = now_ms()
    try:
        spec = check(who, req, at)
    except UseCaseError as exc:
        record(engine, caller, EXPORT, "report", {"error": exc.key}, "refused")
        raise
    active = store_reports.runs(engine, owner=owner_of(who), limit=20)
    if (active["state"].isin(store_reports.ACTIVE)).sum() >= MAX_IN_FLIGHT:
        raise UseCaseError(CONFLICT, "reports.err.busy")
    run_id = store_reports.create_run(
        engine, spec, origin, who.display_name, at, owner=owner_of(who)
    )
    record(
        engine,
        caller,
        EXPORT,
        f"report:{run_id}",
        {
            "what": "request",
            "domains": list(spec.domains),
            "areas": list(spec.areas),
            "period": spec.period,
            "from": periods.today(spec.start_ms).isoformat(),
            "formats": list(spec.formats),
        },
    )
    return run_id


def visible(who: Principal | None, row: dict) -> bool:
    """Whether ``who`` may see (and download) run ``row``."""
    if who is None:
        return False
    if row["origin"] != "schedule":
        return row["owner"] == owner_of(who)
    if any(d not in allowed_domains(who) for d in row["domains"]):
        return False
    mine = policy.visible_areas(who)
    if mine is None:
        return True
    return bool(row["areas"]) and province.current().descendants(row["areas"]) <= mine


def runs(engine: object, who: Principal | None, limit: int = 50) -> list[dict]:
    """The caller's runs and the scheduled briefings they may see, newest first."""
    if who is None:
        return []
    df = store_reports.runs(engine, owner=owner_of(who), scheduled=True, limit=limit)
    rows = df.to_dict("records")
    return [r for r in rows if visible(who, r)]


def status(engine: object, caller: Caller, run_id: int) -> dict:
    row = store_reports.run(engine, run_id)
    if row is None or not visible(caller.who, row):
        raise UseCaseError(NOT_FOUND, "reports.err.unknown")
    return row


def download(
    engine: object, caller: Caller, run_id: int, fmt: str
) -> tuple[str, bytes, str]:
    """(file name, bytes, media type) of a run's file the caller may read, audited;
    UseCaseError(NOT_FOUND) for anything else (audited as refused)."""
    who = authorise(engine, caller, EXPORT)
    row = store_reports.run(engine, run_id) if fmt in FORMATS else None
    found = None
    if row is not None and visible(who, row) and row["state"] == "done":
        found = store_reports.file(engine, run_id, fmt)
    if found is None:
        detail = {"what": "download", "format": fmt[:8], "error": "not_found"}
        record(engine, caller, EXPORT, f"report:{run_id}", detail, "refused")
        raise UseCaseError(NOT_FOUND, "reports.err.unknown")
    name, content = found
    record(
        engine,
        caller,
        EXPORT,
        f"report:{run_id}",
        {"what": "download", "format": fmt, "size": len(content)},
    )
    return name, content, MEDIA_TYPES[fmt]


def cancel(engine: object, caller: Caller, run_id: int) -> bool:
    who = authorise(engine, caller, EXPORT)
    row = store_reports.run(engine, run_id)
    if row is None or row["origin"] == "schedule" or row["owner"] != owner_of(who):
        raise UseCaseError(NOT_FOUND, "reports.err.unknown")
    done = store_reports.request_cancel(engine, run_id)
    record(engine, caller, EXPORT, f"report:{run_id}", {"what": "cancel"})
    return done


def update_schedule(
    engine: object, caller: Caller, key: str, changes: dict[str, object]
) -> dict[str, object]:
    """Change a briefing schedule (admins): enabled, hour (0-23), minute (0-59),
    weekday (0-6), domains, lang, formats."""
    who = authorise(engine, caller, SCHEDULE)
    if key not in store_reports.SCHEDULE_KEYS:
        raise UseCaseError(NOT_FOUND, "reports.err.unknown_schedule")
    clean: dict[str, object] = {}
    for name, value in changes.items():
        if name == "enabled" and isinstance(value, bool):
            clean[name] = value
        elif name in ("hour", "minute", "weekday") and isinstance(value, int):
            top = {"hour": 23, "minute": 59, "weekday": 6}[name]
            if not 0 <= value <= top:
                raise UseCaseError(INVALID, f"reports.err.{name}")
            clean[name] = value
        elif name == "domains" and isinstance(value, list | tuple):
            if not value or any(d not in catalogue.DOMAINS for d in value):
                raise UseCaseError(INVALID, "reports.err.domains")
            clean[name] = [d for d in catalogue.DOMAINS if d in value]
        elif name == "lang" and value in LANGS:
            clean[name] = value
        elif name == "formats" and isinstance(value, list | tuple):
            if not value or any(f not in ("pdf", "xlsx", "csv") for f in value):
                raise UseCaseError(INVALID, "reports.err.formats")
            clean[name] = list(dict.fromkeys(value))
        else:
            raise UseCaseError(INVALID, "reports.err.schedule")
    store_reports.update_schedule(engine, key, who.display_name, **clean)
    record(engine, caller, SCHEDULE, key, dict(clean))
    return clean
