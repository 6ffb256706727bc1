"""The audit trail: every write anyone makes, with who, when, what and from where.

Append-only by construction: this module has no update or delete, and triggers
(migration 0004) refuse both in the database itself.
"""

from __future__ import annotations

import time

import pandas as pd
from sqlalchemy import Engine, insert, select

from store.schema import AuditEntry

COLUMNS = [
    "id",
    "at_ms",
    "actor",
    "actor_kind",
    "action",
    "target",
    "detail",
    "ip",
    "user_agent",
    "outcome",
]
MAX_ROWS = 5000

# Audit names of before the audit spoke the policy's vocabulary (security.policy
# ACTIONS): old rows keep them (the table refuses UPDATE), reads show the new name.
RENAMED = {
    "alert.ack": "alerts.ack",
    "rule.update": "alerts.rules",
    "user.create": "users.create",
    "user.update": "users.update",
    "apikey.issue": "apikeys.issue",
    "apikey.revoke": "apikeys.revoke",
    "report.download": "reports.export",
}


def canonical(action: str) -> str:
    return RENAMED.get(action, action)


def _names_of(action: str) -> list[str]:
    """``action`` and the old names that mean it."""
    new = canonical(action)
    return sorted({new, *(old for old, n in RENAMED.items() if n == new)})


def record(
    engine: Engine,
    actor: str,
    action: str,
    target: str = "",
    detail: dict | None = None,
    *,
    actor_kind: str = "user",
    ip: str = "",
    user_agent: str = "",
    outcome: str = "ok",
    at_ms: int | None = None,
) -> int:
    with engine.begin() as conn:
        return conn.execute(
            insert(AuditEntry)
            .values(
                at_ms=at_ms if at_ms is not None else int(time.time() * 1000),
                actor=(actor or "")[:64],
                actor_kind=actor_kind[:16],
                action=action[:64],
                target=str(target)[:200],
                detail=detail or {},
                ip=(ip or "")[:64],
                user_agent=(user_agent or "")[:300],
                outcome=outcome[:16],
            )
            .returning(AuditEntry.id)
        ).scalar_one()


def entries(
    engine: Engine,
    *,
    actor: str | None = None,
    action: str | None = None,
    since_ms: int | None = None,
    until_ms: int | None = None,
    limit: int = 500,
) -> pd.DataFrame:
    """Newest first, at most ``limit`` (capped at MAX_ROWS); columns COLUMNS, with
    old action names as their new ones (``action`` finds rows under either)."""
    q = select(*(getattr(AuditEntry, c) for c in COLUMNS))
    if actor:
        q = q.where(AuditEntry.actor == actor)
    if action:
        q = q.where(AuditEntry.action.in_(_names_of(action)))
    if since_ms is not None:
        q = q.where(AuditEntry.at_ms >= since_ms)
    if until_ms is not None:
        q = q.where(AuditEntry.at_ms < until_ms)
    q = q.order_by(AuditEntry.at_ms.desc(), AuditEntry.id.desc())
    q = q.limit(max(1, min(int(limit), MAX_ROWS)))
    with engine.connect() as conn:
        rows = conn.execute(q).all()
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["action"] = df["action"].map(canonical)
    return df


def actions(engine: Engine) -> list[str]:
    """The actions in the trail (old names as their new ones), sorted."""
    with engine.connect() as conn:
        found = conn.execute(select(AuditEntry.action).distinct()).scalars()
        return sorted({canonical(a) for a in found})
