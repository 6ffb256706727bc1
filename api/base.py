"""The /api/v1 blueprint and what every route module on it shares: ISO times and the
JSON error body (``{"error": {"code", "message", "parameter"?}}``) for bad parameters,
HTTP errors and the unexpected. Route modules (api.v1, api.alerts, api.aqi) import
this; app.py registers the blueprint through api.v1, which imports them all."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from api.params import ParamError

log = logging.getLogger(__name__)
bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")


def iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    return (
        datetime.fromtimestamp(ms / 1000, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def error(
    status: int, code: str, message: str, parameter: str | None = None
) -> Response:
    body = {"error": {"code": code, "message": message}}
    if parameter:
        body["error"]["parameter"] = parameter
    resp = jsonify(body)
    resp.status_code = status
    return resp


@bp.errorhandler(ParamError)
def _bad_param(exc: ParamError) -> Response:
    return error(400, "bad_parameter", exc.message, exc.parameter)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    return error(
        exc.code or 500,
        (exc.name or "error").lower().replace(" ", "_"),
        exc.description or "",
    )


@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
def _no_route(exc: HTTPException) -> Response | HTTPException:
    # Routing fails before a blueprint is chosen: answer JSON under /api/ anyway.
    if request.path.startswith("/api/"):
        return _http_error(exc)
    if request.path.startswith("/open311/"):
        from api.open311 import errors

        return errors(exc.code or 404, exc.description or "no such path")
    return exc


@bp.errorhandler(Exception)
def _unexpected(exc: Exception) -> Response:
    # Logged with its traceback here; the client gets a message, never the traceback.
    log.exception("API error on %s", request.path)
    return error(
        500, "internal_error", "the server could not answer; the error is logged"
    )
