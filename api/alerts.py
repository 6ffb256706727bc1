"""/api/v1/alerts: the alert list with the same filters as the alerts page."""

from __future__ import annotations

import math

from flask import Response, jsonify, request

import catalogue
from api.base import bp, error, iso
from api.params import ParamError, parse_choice, parse_code, parse_text
from i18n import t
from security import policy, session
from store import alerting, frames, subjects
from store.runtime import get_engine
from usecases import CONFLICT, FORBIDDEN, NOT_FOUND, UseCaseError
from usecases import alerts as alert_usecases

MAX_LIMIT = 1000


def _limit(value: str | None) -> int:
    if value in (None, ""):
        return 200
    if len(value) > 6 or not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise ParamError("limit", f"must be a whole number from 1 to {MAX_LIMIT}")
    return int(value)


def _num(v: object) -> float | None:
    if v is None:
        return None
    f = float(v)  # type: ignore[arg-type]
    return None if math.isnan(f) else f


def _ms(v: object) -> int | None:
    return None if v is None or v != v else int(v)  # type: ignore[call-overload]


def alert_json(row: dict) -> dict:
    return {
        "id": int(row["id"]),
        "rule": {"id": int(row["rule_id"]), "name": row["rule_name"]},
        "kind": row["rule_kind"],
        # Before alerts had subjects there was only this; kept for existing clients
        # (None when the subject is not a sensor).
        "sensor": row["sensor_id"],
        "subject": {
            "kind": row["subject_kind"],
            "id": row["subject_id"],
            "name": subjects.display_name(row, "vi"),
            "name_en": subjects.display_name(row, "en"),
        },
        "metric": row["metric"] or None,
        "domain": row["domain"],
        "area": row["area"],
        "region": row["region"],
        "severity": row["severity"],
        "state": row["state"],
        "value": _num(row["value"]),
        "limit": _num(row["limit"]),
        "peak": _num(row["peak"]),
        "last_value": _num(row["last_value"]),
        "raised": iso(_ms(row["raised_ms"])),
        "last": iso(_ms(row["last_ms"])),
        "acknowledged": iso(_ms(row["acked_ms"])),
        "acknowledged_by": row["acked_by"] or None,
        "note": row["ack_note"] or None,
        "escalated": iso(_ms(row["escalated_ms"])),
        "resolved": iso(_ms(row["resolved_ms"])),
    }


@bp.get("/alerts")
def alerts() -> Response:
    args = request.args
    state = parse_choice("state", args.get("state"), set(alerting.STATES))
    severity = parse_choice("severity", args.get("severity"), set(alerting.SEVERITIES))
    domain = parse_choice("domain", args.get("domain"), set(catalogue.DOMAINS))
    district = parse_code("district", args.get("district"))
    who = session.current()
    domains, areas = policy.visible_domains(who), policy.visible_areas(who)
    df = alerting.alerts(
        get_engine(),
        state=state,
        severity=severity,
        domain=domain,
        region=district,
        limit=_limit(args.get("limit")),
        domains=domains,
        areas=areas,
    )
    rows = frames.records(df)
    return jsonify(
        {
            "count": len(rows),
            "counts": alerting.counts(get_engine(), domains, areas),
            "alerts": [alert_json(r) for r in rows],
        }
    )


@bp.post("/alerts/<int:alert_id>/acknowledge")
def acknowledge(alert_id: int) -> Response:
    """Acknowledge an alert as the caller (a duty officer's key or session), with an
    optional ``note`` in a JSON body."""
    body = request.get_json(silent=True)
    if body is None:
        body = {}
    if not isinstance(body, dict) or not isinstance(body.get("note", ""), str):
        raise ParamError("note", "a JSON object with a text 'note' is expected")
    note = parse_text("note", body.get("note", ""), alerting.MAX_NOTE)
    try:
        done = alert_usecases.acknowledge(
            get_engine(), session.caller(), alert_id, note
        )
    except UseCaseError as exc:
        return use_case_error(exc, f"no alert {alert_id}")
    return jsonify({"id": done.alert_id, "acknowledged_by": done.by})


def use_case_error(exc: UseCaseError, not_found: str) -> Response:
    """A refused write as JSON: 403 for the role, 404 for a row the caller cannot
    see, 409 for a row past it, 400 for a value."""
    if exc.reason == FORBIDDEN:
        return error(403, "forbidden", exc.action or "")
    if exc.reason == NOT_FOUND:
        return error(404, "not_found", not_found)
    status = 409 if exc.reason == CONFLICT else 400
    return error(status, exc.key, t(exc.key, "en"))
