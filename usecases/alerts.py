"""Writes about alerts: acknowledging one (a duty officer) and changing a rule (an
admin)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from security import policy
from store import alerting
from usecases import (
    CONFLICT,
    INVALID,
    NOT_FOUND,
    Caller,
    UseCaseError,
    authorise,
    in_scope,
    record,
)

_REASONS = {
    "alerts.err.already": CONFLICT,
    "alerts.err.unknown": NOT_FOUND,
    "alerts.err.unknown_rule": NOT_FOUND,
}


@dataclass(frozen=True)
class Acknowledged:
    alert_id: int
    by: str


def acknowledge(
    engine: Engine, caller: Caller, alert_id: int, note: str = ""
) -> Acknowledged:
    """Acknowledge an open alert of the caller's domains as the caller, with a note."""
    action = policy.ALERTS_ACK
    who = authorise(engine, caller, action)
    found = alerting.alerts(engine, alert_id=alert_id)
    row = found.iloc[0] if not found.empty else None
    if row is None or not in_scope(who, row["domain"], area=row["area"] or ""):
        raise UseCaseError(NOT_FOUND, "alerts.err.unknown")
    try:
        alerting.acknowledge(engine, alert_id, who.display_name, note)
    except alerting.AlertError as exc:
        record(engine, caller, action, alert_id, {"error": exc.key}, "refused")
        raise UseCaseError(_REASONS.get(exc.key, INVALID), exc.key) from exc
    record(engine, caller, action, alert_id, {"note": (note or "")[:200]})
    return Acknowledged(alert_id, who.display_name)


def update_rule(
    engine: Engine, caller: Caller, rule_id: int, changes: dict[str, object]
) -> dict[str, object]:
    """Change a rule's editable fields (store.alerting.EDITABLE); returns the changes
    written. A rule that uses each sensor's own levels has no threshold to change: a
    ``threshold`` among the changes is left out for it."""
    action = policy.ALERTS_RULES
    who = authorise(engine, caller, action)
    rules = alerting.rules(engine).set_index("id")
    if rule_id not in rules.index or not in_scope(who, rules.loc[rule_id, "domain"]):
        raise UseCaseError(NOT_FOUND, "alerts.err.unknown_rule")
    changes = dict(changes)
    if pd.isna(rules.loc[rule_id, "threshold"]):
        changes.pop("threshold", None)
    try:
        alerting.update_rule(engine, rule_id, who.display_name, **changes)
    except alerting.AlertError as exc:
        record(engine, caller, action, rule_id, {"error": exc.key}, "refused")
        raise UseCaseError(_REASONS.get(exc.key, INVALID), exc.key) from exc
    record(engine, caller, action, rule_id, _jsonable(changes))
    return changes


def _jsonable(changes: dict) -> dict:
    return {
        k: (v if v is None or isinstance(v, (bool, int, float, str)) else str(v))
        for k, v in changes.items()
    }
