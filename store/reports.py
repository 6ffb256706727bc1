"""Report runs, their files and the briefing schedules in the store.

A run is created 'queued' by whoever asks (page, API, schedule), taken 'running' by
the process that makes it, which writes its progress and reads ``cancel_requested``
between steps, and ends 'done' (with its files), 'failed' or 'cancelled'. Every web
worker reads the same rows, so a page's poll may land on any worker.

A scheduled run claims its slot by inserting its unique ``schedule_key``: of two
schedulers racing for the same slot one insert wins and the other does nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from store.schema import ReportFile, ReportRun, ReportSchedule
from store.writes import now_ms

STATES = ("queued", "running", "done", "failed", "cancelled")
ACTIVE = ("queued", "running")
FORMATS = ("pdf", "xlsx", "csv")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
SCHEDULE_KEYS = ("daily", "weekly")
MAX_LIST = 200
# A run 'running' this long without a word was left by a process that died.
STALE_MS = 30 * 60_000

RUN_COLUMNS = [
    "id",
    "schedule_key",
    "origin",
    "owner",
    "requested_by",
    "domains",
    "areas",
    "period",
    "start_ms",
    "end_ms",
    "lang",
    "formats",
    "state",
    "progress",
    "cancel_requested",
    "error",
    "created_ms",
    "started_ms",
    "finished_ms",
]


@dataclass(frozen=True)
class RunSpec:
    """What a report covers: its domains, areas ([]: the whole province), period
    kind and bounds (epoch ms, end exclusive), language and formats."""

    domains: tuple[str, ...]
    areas: tuple[str, ...]
    period: str
    start_ms: int
    end_ms: int
    lang: str
    formats: tuple[str, ...]


def _values(spec: RunSpec, origin: str, owner: str, by: str, at: int) -> dict:
    return {
        "origin": origin,
        "owner": owner,
        "requested_by": by,
        "domains": list(spec.domains),
        "areas": list(spec.areas),
        "period": spec.period,
        "start_ms": spec.start_ms,
        "end_ms": spec.end_ms,
        "lang": spec.lang,
        "formats": list(spec.formats),
        "state": "queued",
        "progress": 0,
        "cancel_requested": False,
        "error": "",
        "created_ms": at,
    }


def create_run(
    engine: Engine,
    spec: RunSpec,
    origin: str,
    by: str,
    at_ms: int | None = None,
    owner: str | None = None,
) -> int:
    """A queued run asked for by ``owner`` (shown as ``by``); returns its id."""
    at = now_ms() if at_ms is None else at_ms
    t = ReportRun.__table__
    with engine.begin() as conn:
        values = _values(spec, origin, owner or by, by, at)
        res = conn.execute(insert(t).values(**values))
        return int(res.inserted_primary_key[0])


def claim_slot(
    engine: Engine, key: str, spec: RunSpec, at_ms: int | None = None
) -> int | None:
    """The id of a new scheduled run for slot ``key``, or None when the slot is
    already claimed (by this or another process)."""
    at = now_ms() if at_ms is None else at_ms
    t = ReportRun.__table__
    values = _values(spec, "schedule", "scheduler", "IOC", at)
    values["schedule_key"] = key
    try:
        with engine.begin() as conn:
            res = conn.execute(insert(t).values(**values))
            return int(res.inserted_primary_key[0])
    except IntegrityError:
        return None


def start(engine: Engine, run_id: int, at_ms: int | None = None) -> bool:
    """Take a queued run; False when it is no longer queued (cancelled, taken)."""
    at = now_ms() if at_ms is None else at_ms
    c = ReportRun.__table__.c
    with engine.begin() as conn:
        res = conn.execute(
            update(ReportRun.__table__)
            .where(c.id == run_id, c.state == "queued", c.cancel_requested.is_(False))
            .values(state="running", started_ms=at, progress=1)
        )
        return res.rowcount == 1


def set_progress(engine: Engine, run_id: int, progress: int) -> bool:
    """Write the progress (0-100); returns False when the run is to be cancelled."""
    c = ReportRun.__table__.c
    with engine.begin() as conn:
        conn.execute(
            update(ReportRun.__table__)
            .where(c.id == run_id, c.state == "running")
            .values(progress=max(0, min(100, int(progress))))
        )
        wanted = conn.execute(
            select(c.cancel_requested).where(c.id == run_id)
        ).scalar_one_or_none()
    return not wanted


def finish(
    engine: Engine,
    run_id: int,
    files: dict[str, tuple[str, bytes]],
    at_ms: int | None = None,
) -> None:
    """Store the run's files (fmt -> (file name, bytes)) and mark it done, in one
    transaction."""
    at = now_ms() if at_ms is None else at_ms
    c = ReportRun.__table__.c
    with engine.begin() as conn:
        for fmt, (name, content) in files.items():
            conn.execute(
                insert(ReportFile.__table__).values(
                    run_id=run_id,
                    fmt=fmt,
                    filename=name,
                    size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                    content=content,
                )
            )
        conn.execute(
            update(ReportRun.__table__)
            .where(c.id == run_id)
            .values(state="done", progress=100, finished_ms=at)
        )


def fail(
    engine: Engine, run_id: int, state: str, error: str = "", at_ms: int | None = None
) -> None:
    """End a run 'failed' or 'cancelled'."""
    if state not in ("failed", "cancelled"):
        raise ValueError(state)
    at = now_ms() if at_ms is None else at_ms
    c = ReportRun.__table__.c
    with engine.begin() as conn:
        conn.execute(
            update(ReportRun.__table__)
            .where(c.id == run_id, c.state.in_(ACTIVE))
            .values(state=state, error=error[:300], finished_ms=at)
        )


def request_cancel(engine: Engine, run_id: int, at_ms: int | None = None) -> bool:
    """Ask a run to stop: a queued run is cancelled at once, a running one at its
    next step. False when it had already ended."""
    at = now_ms() if at_ms is None else at_ms
    c = ReportRun.__table__.c
    t = ReportRun.__table__
    with engine.begin() as conn:
        conn.execute(
            update(t)
            .where(c.id == run_id, c.state == "queued")
            .values(state="cancelled", cancel_requested=True, finished_ms=at)
        )
        res = conn.execute(
            update(t)
            .where(c.id == run_id, c.state == "running")
            .values(cancel_requested=True)
        )
        state = conn.execute(select(c.state).where(c.id == run_id)).scalar_one_or_none()
    return res.rowcount == 1 or state == "cancelled"


def expire_stale(engine: Engine, at_ms: int | None = None) -> int:
    """Mark failed the runs left 'running' or 'queued' by a process that died."""
    at = now_ms() if at_ms is None else at_ms
    c = ReportRun.__table__.c
    with engine.begin() as conn:
        res = conn.execute(
            update(ReportRun.__table__)
            .where(
                c.state.in_(ACTIVE),
                func.coalesce(c.started_ms, c.created_ms) < at - STALE_MS,
            )
            .values(state="failed", error="interrupted", finished_ms=at)
        )
        return res.rowcount


def run(engine: Engine, run_id: int) -> dict | None:
    """One run as a dict of RUN_COLUMNS (with ``files``: fmt -> size), or None."""
    t = ReportRun.__table__
    f = ReportFile.__table__.c
    with engine.connect() as conn:
        row = conn.execute(select(t).where(t.c.id == run_id)).mappings().first()
        if row is None:
            return None
        files = dict(
            conn.execute(select(f.fmt, f.size).where(f.run_id == run_id)).all()
        )
    return dict(row) | {"files": files}


def runs(
    engine: Engine,
    owner: str | None = None,
    scheduled: bool = False,
    limit: int = 50,
) -> pd.DataFrame:
    """Runs newest first (columns RUN_COLUMNS): those ``owner`` asked for,
    and, with ``scheduled``, every scheduled one too; bounded to ``limit`` (at most
    MAX_LIST). Callers filter by scope (usecases.reports.visible)."""
    c = ReportRun.__table__.c
    conds = []
    if owner is not None:
        conds.append(and_(c.owner == owner, c.origin != "schedule"))
    if scheduled:
        conds.append(c.origin == "schedule")
    stmt = select(*[getattr(c, k) for k in RUN_COLUMNS]).order_by(
        c.created_ms.desc(), c.id.desc()
    )
    if conds:
        stmt = stmt.where(or_(*conds))
    stmt = stmt.limit(max(1, min(limit, MAX_LIST)))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=RUN_COLUMNS)


def file(engine: Engine, run_id: int, fmt: str) -> tuple[str, bytes] | None:
    """(file name, bytes) of a run's file, or None."""
    f = ReportFile.__table__.c
    with engine.connect() as conn:
        row = conn.execute(
            select(f.filename, f.content).where(f.run_id == run_id, f.fmt == fmt)
        ).first()
    return None if row is None else (row[0], bytes(row[1]))


def slots_claimed(engine: Engine, keys: Collection[str]) -> set[str]:
    c = ReportRun.__table__.c
    with engine.connect() as conn:
        return set(
            conn.execute(
                select(c.schedule_key).where(c.schedule_key.in_(sorted(keys)))
            ).scalars()
        )


# --- schedules ------------------------------------------------------------------------

SCHEDULE_COLUMNS = [
    "key",
    "enabled",
    "hour",
    "minute",
    "weekday",
    "domains",
    "lang",
    "formats",
    "updated_by",
    "updated_ms",
]


def schedules(engine: Engine) -> list[dict]:
    """The briefing schedules (migration 0008 seeds 'daily' and 'weekly')."""
    t = ReportSchedule.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(t).order_by(t.c.key)).mappings().all()
    return [dict(r) for r in rows]


def update_schedule(
    engine: Engine, key: str, by: str, at_ms: int | None = None, **changes: object
) -> None:
    """Change a schedule's enabled, hour, minute, weekday, domains, lang or formats
    (checked by the caller, usecases.reports)."""
    allowed = {"enabled", "hour", "minute", "weekday", "domains", "lang", "formats"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    at = now_ms() if at_ms is None else at_ms
    t = ReportSchedule.__table__
    with engine.begin() as conn:
        res = conn.execute(
            update(t)
            .where(t.c.key == key)
            .values(**changes, updated_by=by, updated_ms=at)
        )
        if res.rowcount != 1:
            raise KeyError(key)
