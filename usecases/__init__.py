"""Writes people make, one function each: check the role (security.policy.can) and
the scope (the row's domain among the caller's visible domains), write, audit, and
return a result or raise UseCaseError. Callbacks and API routes call these and only
translate the outcome (a message in the page, a JSON error); nothing here imports
Dash or reads a Flask request: the caller passes who asks and from where."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from security import policy
from store import audit
from store.accounts import Principal

FORBIDDEN, NOT_FOUND, CONFLICT, INVALID = (
    "forbidden",
    "not_found",
    "conflict",
    "invalid",
)


class UseCaseError(Exception):
    """A write that was not done. ``reason``: FORBIDDEN (the role may not), NOT_FOUND
    (no such row, or not in the caller's domains), CONFLICT (the row is past it) or
    INVALID (a value); ``key``: a translation key saying why."""

    def __init__(self, reason: str, key: str, action: str = "") -> None:
        super().__init__(f"{reason}: {key}")
        self.reason = reason
        self.key = key
        self.action = action  # the policy action refused, for FORBIDDEN


@dataclass(frozen=True)
class Caller:
    """Who asks and from where (kept in the audit trail)."""

    who: Principal | None
    ip: str = ""
    user_agent: str = ""
    # Where the request came in (a page callback, an API path), for refusals.
    via: str = ""


def record(
    engine: Engine,
    caller: Caller,
    action: str,
    target: object,
    detail: dict | None = None,
    outcome: str = "ok",
) -> None:
    """The audit entry of a use case, with the caller's name and address."""
    who = caller.who
    audit.record(
        engine,
        who.name if who else "-",
        action,
        str(target),
        detail,
        actor_kind=who.kind if who else "anonymous",
        ip=caller.ip,
        user_agent=caller.user_agent,
        outcome=outcome,
    )


def authorise(engine: Engine, caller: Caller, action: str) -> Principal:
    """The caller, if its roles may do ``action``; otherwise the refusal is audited
    (as web.require does) and UseCaseError(FORBIDDEN) raised."""
    if caller.who is None or not policy.can(caller.who, action):
        detail = {"path": caller.via} if caller.via else None
        record(engine, caller, policy.ACCESS_DENIED, action, detail, "refused")
        raise UseCaseError(FORBIDDEN, "common.forbidden", action)
    return caller.who


def in_scope(
    who: Principal,
    domain: str | None,
    area: str | None = None,
    department: str | None = None,
) -> bool:
    """Whether a row of ``domain`` (and ``area``, ``department`` when the row carries
    them) lies in the scope ``who`` reads (a row with no domain: only for those who
    read every domain); policy.sees says it."""
    return policy.sees(who, domain, area, department)
