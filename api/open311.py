"""/open311/v2: the IOC as an Open311 GeoReport v2 endpoint, so that the province's
citizen apps and hotline systems can file reports (phản ánh kiến nghị) into it.

    GET  /open311/v2/services.json             the kinds of report (the profile's)
    POST /open311/v2/requests.json             file a report (api_key required)
    GET  /open311/v2/requests.json             reports: service_request_id,
                                               service_code, status, start_date,
                                               end_date (at most 1,000, 90 days)
    GET  /open311/v2/requests/<id>.json        one report

Every call needs an API key, sent as the ``api_key`` parameter (GeoReport v2) or an
``X-API-Key`` header (security.web checks it; reading follows the citizens' feedback
page's rule, filing needs the ``feedback.submit`` action). Errors are GeoReport v2's:
a list of ``{"code", "description"}`` with the HTTP status. Only the JSON format is
served. Names, e-mail addresses and phone numbers that a client sends are not
stored: the IOC keeps what the report is about, where and when.
"""

from __future__ import annotations

import logging
import math
import re
import uuid
from datetime import UTC, datetime

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import HTTPException

import config
import province
from datasources.open311 import LIMITS, text_field
from security import policy
from security.session import current, record, require
from security.web import open311_error
from store import queries, writes
from store.runtime import get_engine
from store.writes import now_ms

log = logging.getLogger(__name__)
bp = Blueprint("open311", __name__, url_prefix="/open311/v2")

SOURCE = "open311:ioc"
DAY_MS = 86_400_000
MAX_LIST = 1000
MAX_IDS = 100
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
STATUSES = ("open", "closed")


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


# GeoReport v2's error answer; security.web refuses bad keys with it too.
errors = open311_error


@bp.errorhandler(Open311Error)
def _open311_error(exc: Open311Error) -> Response:
    return errors(exc.status, exc.description)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    return errors(exc.code or 500, exc.description or exc.name or "error")


@bp.errorhandler(Exception)
def _unexpected(exc: Exception) -> Response:
    log.exception("Open311 error on %s", request.path)
    return errors(500, "the server could not answer; the error is logged")


def _profile() -> province.Profile:
    return province.cached(str(config.load().profile))


def _iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds")


def _text(name: str, field: str) -> str:
    """A posted text, refused past the length a polled report is cut to (LIMITS) and
    cleaned as one (text_field)."""
    value = request.values.get(name, "")
    if len(value) > LIMITS[field]:
        raise Open311Error(400, f"{name} is longer than {LIMITS[field]} characters")
    return text_field(value)


def _coordinate(name: str, low: float, high: float) -> float | None:
    value = request.values.get(name, "").strip()
    if not value:
        return None
    try:
        number = float(value) if len(value) <= 32 else math.nan
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not low <= number <= high:
        raise Open311Error(400, f"{name} must be a number from {low:g} to {high:g}")
    return number


def _time(name: str) -> int | None:
    value = request.values.get(name, "").strip()
    if not value:
        return None
    try:
        ts = (
            datetime.fromisoformat(value.replace("Z", "+00:00"))
            if len(value) <= 40
            else None
        )
    except ValueError:
        ts = None
    if ts is None or ts.tzinfo is None:
        raise Open311Error(400, f"{name} must be a W3C date-time with a time zone")
    return int(ts.timestamp() * 1000)


def _services(lang: str) -> list[dict]:
    return [
        {
            "service_code": s.code,
            "service_name": s.name if lang == "vi" else s.name_en,
            "description": s.name if lang == "vi" else s.name_en,
            "metadata": False,
            "type": "realtime",
            "keywords": s.code.replace("-", " "),
            "group": s.group if lang == "vi" else s.group_en,
        }
        for s in _profile().services
    ]


def _lang() -> str:
    # GeoReport v2 leaves languages to the endpoint: ?locale=en for English.
    return "en" if request.values.get("locale", "").lower().startswith("en") else "vi"


@bp.get("/services.json")
def services() -> Response:
    return jsonify(_services(_lang()))


@bp.post("/requests.json")
def create_request() -> tuple[Response, int]:
    who = require("feedback.submit")
    profile = _profile()
    code = request.values.get("service_code", "").strip()
    service = profile.service(code) if len(code) <= 100 else None
    if service is None:
        raise Open311Error(400, "service_code is missing or names no service")
    lat = _coordinate("lat", -90, 90)
    lon = _coordinate("long", -180, 180)
    address = _text("address_string", "address")
    if (lat is None) != (lon is None):
        raise Open311Error(400, "lat and long go together")
    if lat is not None and not profile.contains(lat, lon):
        raise Open311Error(400, f"lat/long is outside {profile.name}")
    if lat is None and not address:
        raise Open311Error(
            400, "a location is required: lat and long, or address_string"
        )
    description = _text("description", "description")
    dept = profile.department(service.agency)
    at = now_ms()
    report_id = f"IOC-{uuid.uuid4().hex[:12].upper()}"
    writes.upsert_citizen_reports(
        get_engine(),
        [
            {
                "id": report_id,
                "source": SOURCE,
                "status": "open",
                "service_code": service.code,
                "service_name": service.name,
                "description": description,
                "agency": dept.name if dept else service.agency,
                "address": address,
                "area": profile.area_at(lat, lon) if lat is not None else "",
                "lat": lat,
                "lon": lon,
                "requested_ms": at,
                "updated_ms": at,
            }
        ],
    )
    record("feedback.submit", report_id, {"service_code": service.code})
    log.info("citizen report %s (%s) filed by %s", report_id, service.code, who.name)
    return jsonify(
        [{"service_request_id": report_id, "service_notice": "", "account_id": None}]
    ), 201


def _report_json(r: dict) -> dict:
    return {
        "service_request_id": r["id"],
        "status": r["status"],
        "service_name": r["service_name"],
        "service_code": r["service_code"],
        "description": r["description"],
        "agency_responsible": r["agency"],
        "requested_datetime": _iso(r["requested_ms"]),
        "updated_datetime": _iso(r["updated_ms"]),
        "address": r["address"],
        "lat": r["lat"],
        "long": r["lon"],
    }


def _records(df) -> list[dict]:  # noqa: ANN001 - a frame of queries.REPORT_COLUMNS
    return [
        _report_json({k: (None if v != v else v) for k, v in row.items()})
        for row in df.to_dict("records")
    ]


def _scoped(codes: list[str] | None) -> dict:
    """The filters that keep a key to its scope: the services of its departments
    (a service's agency is a department), within ``codes`` when asked, and its
    areas."""
    who = current()
    own = policy.visible_services(who)
    if own is not None:
        codes = own if codes is None else [c for c in codes if c in own]
    return {"service_codes": codes, "areas": policy.visible_areas(who)}


@bp.get("/requests.json")
def list_requests() -> Response:
    ids = None
    raw_ids = request.values.get("service_request_id", "").strip()
    if raw_ids:
        ids = [i.strip() for i in raw_ids.split(",") if i.strip()]
        if len(ids) > MAX_IDS or not all(_ID.fullmatch(i) for i in ids):
            raise Open311Error(400, "service_request_id must be up to 100 ids")
    codes = None
    raw_codes = request.values.get("service_code", "").strip()
    if raw_codes:
        codes = [c.strip() for c in raw_codes.split(",") if c.strip()]
        known = {s.code for s in _profile().services}
        if not set(codes) <= known:
            raise Open311Error(400, "service_code names no service")
    status = request.values.get("status", "").strip() or None
    if status is not None and status not in STATUSES:
        raise Open311Error(400, "status must be open or closed")
    end = _time("end_date")
    start = _time("start_date")
    if ids is None:  # GeoReport v2: the last 90 days unless told
        end = end if end is not None else now_ms() + DAY_MS
        start = start if start is not None else end - 90 * DAY_MS
    if start is not None and end is not None and end <= start:
        raise Open311Error(400, "end_date must be after start_date")
    df = queries.citizen_reports(
        get_engine(),
        status=status,
        limit=MAX_LIST,
        ids=ids,
        start_ms=start,
        end_ms=end,
        **_scoped(codes),
    )
    return jsonify(_records(df))


@bp.get("/requests/<request_id>.json")
def one_request(request_id: str) -> Response:
    if not _ID.fullmatch(request_id):
        raise Open311Error(400, "not a service_request_id")
    df = queries.citizen_reports(
        get_engine(), ids=[request_id], limit=1, **_scoped(None)
    )
    if df.empty:
        raise Open311Error(404, f"no request {request_id}")
    return jsonify(_records(df))


@bp.route("/<path:rest>.xml", methods=["GET", "POST"])
def xml(rest: str) -> Response:
    return errors(400, "only the JSON format is served: use .json")


@bp.route("/<path:rest>", methods=["GET", "POST"])
def nowhere(rest: str) -> Response:
    # Without it the pages' catch-all route would answer with a page.
    return errors(404, f"no such path: /open311/v2/{rest[:100]}")
