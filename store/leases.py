"""Leases in the store, so that of several processes exactly one runs a job at a time.

Taking or renewing is one atomic upsert: it succeeds when the lease is free, expired or
already ours. A process that dies loses its lease when it expires.
"""

from __future__ import annotations

from sqlalchemy import Engine, select

from store.schema import Lease
from store.upsert import insert_for
from store.writes import now_ms


def acquire(
    engine: Engine, name: str, holder: str, ttl_ms: int, at_ms: int | None = None
) -> bool:
    """Take or renew lease ``name`` for ``holder``; True when ``holder`` holds it
    now."""
    at = now_ms() if at_ms is None else at_ms
    t = Lease.__table__
    with engine.begin() as conn:
        stmt = insert_for(conn, t).values(
            name=name, holder=holder, expires_ms=at + ttl_ms
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[t.c.name],
            set_={
                "holder": stmt.excluded.holder,
                "expires_ms": stmt.excluded.expires_ms,
            },
            where=(t.c.expires_ms < at) | (t.c.holder == stmt.excluded.holder),
        )
        conn.execute(stmt)
        current = conn.execute(select(t.c.holder).where(t.c.name == name)).scalar_one()
    return current == holder


def release(engine: Engine, name: str, holder: str) -> None:
    t = Lease.__table__
    with engine.begin() as conn:
        conn.execute(t.delete().where((t.c.name == name) & (t.c.holder == holder)))
