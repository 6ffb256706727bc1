"""The simulated citizens' feedback system: Open311 GeoReport v2, the profile's
services (its catalogue) filed in its wards, deterministic from the seed and the clock.

    GET /open311/v2/services.json      the service list
    GET /open311/v2/requests.json      requests; start_date, end_date, status,
                                       service_code and service_request_id filter

When ``server.api_key`` is set, every Open311 path but the service list asks for it
(GeoReport v2: 403).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from simulators.systems.answer import Answer
from simulators.systems.press import place

if TYPE_CHECKING:
    from simulators.systems.server import SystemsServer

REPORT_EVERY_S = 600  # a slot for a citizen's report every ten minutes
REPORTS_LATEST = 40  # the answer without start_date: the newest requests
REPORTS_SPAN_DAYS = 90  # GeoReport v2: start and end at most 90 days apart
REPORTS_MAX = 200  # the most requests one answer carries (GeoReport lets servers cap)

# What citizens typically write about a service of the profile (simulation only; the
# catalogue itself is the profile's). A service without a line here gets its name.
COMPLAINTS = {
    "o-ga": "Mặt đường xuất hiện ổ gà lớn gây nguy hiểm",
    "den-duong": "Cụm đèn chiếu sáng không hoạt động buổi tối",
    "ngap-ung": "Đoạn đường ngập sâu sau mưa, xe máy chết máy",
    "cay-xanh": "Cây xanh nghiêng, có nguy cơ gãy đổ",
    "lan-chiem": "Hàng quán lấn chiếm vỉa hè, lòng đường",
    "rac-thai": "Rác thải tồn đọng nhiều ngày, bốc mùi",
    "khoi-bui": "Đốt rơm rạ, khói bụi ảnh hưởng khu dân cư",
    "tieng-on": "Tiếng ồn karaoke kéo dài sau 22 giờ",
}


def complaint(code: str, name: str) -> str:
    return COMPLAINTS.get(code, name)


def services_json(server: SystemsServer) -> list[dict]:
    return [
        {
            "service_code": s.code,
            "service_name": s.name,
            "description": complaint(s.code, s.name),
            "metadata": False,
            "type": "realtime",
            "keywords": s.code.replace("-", " "),
            "group": s.group,
        }
        for s in server.profile.services
    ]


def _iso(ts: datetime) -> str:
    return ts.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse_time(value: str, name: str) -> float:
    try:
        ts = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{name} is not an ISO 8601 time: {value!r}") from None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)  # leniency: a naive time is taken as UTC
    return ts.timestamp()


def _report(server: SystemsServer, n: int, now: float) -> dict | None:
    """The report of slot ``n``, as it stands at ``now``; None for a quiet slot."""
    rng = random.Random(f"{server.seed}-open311-{n}")
    requested = datetime.fromtimestamp(
        n * REPORT_EVERY_S + rng.uniform(0, REPORT_EVERY_S), UTC
    )
    local_hour = (requested.hour + 7) % 24
    # Fewer reports at night; some slots are quiet; none from the future.
    if rng.random() < (0.75 if local_hour < 6 or local_hour >= 22 else 0.25):
        return None
    if requested.timestamp() > now:
        return None
    if not server.profile.services:
        return None
    service = rng.choice(server.profile.services)
    code, name, agency = service.code, service.name, service.agency
    desc = complaint(code, name)
    ward = rng.choice(server.wards)
    dept = server.profile.department(agency)
    age_h = (now - requested.timestamp()) / 3600
    handled_after_h = rng.uniform(1.5, 48)
    closed = age_h >= handled_after_h
    updated = requested + timedelta(hours=handled_after_h) if closed else requested
    return {
        "service_request_id": f"{server.id_prefix}-{n}",
        "status": "closed" if closed else "open",
        "status_notes": "Đã xử lý xong" if closed else "Đã tiếp nhận, đang xử lý",
        "service_name": name,
        "service_code": code,
        "description": f"{desc} tại {place(ward.name, False)}.",
        "agency_responsible": dept.name if dept else agency,
        "service_notice": "",
        "requested_datetime": _iso(requested),
        "updated_datetime": _iso(updated),
        "expected_datetime": _iso(requested + timedelta(days=2)),
        "address": f"{ward.name}, tỉnh {server.profile.name}",
        "address_id": ward.code,
        "zipcode": "",
        "lat": round(ward.lat + rng.uniform(-0.004, 0.004), 6),
        "long": round(ward.lon + rng.uniform(-0.004, 0.004), 6),
        "media_url": "",
    }


def requests_json(
    server: SystemsServer, now: float, query: dict[str, list[str]]
) -> list[dict]:
    """Requests newest first, like a GeoReport v2 server: without start_date the
    REPORTS_LATEST newest up to end_date (default: now); with it, those between
    start_date and end_date (at most 90 days apart), at most REPORTS_MAX."""

    def param(name: str) -> str | None:
        values = query.get(name)
        return values[0] if values and values[0].strip() else None

    end = (
        min(now, _parse_time(param("end_date"), "end_date"))
        if param("end_date")
        else now
    )
    earliest = end - REPORTS_SPAN_DAYS * 86_400
    limit = REPORTS_LATEST
    start = earliest
    if param("start_date"):
        start = max(_parse_time(param("start_date"), "start_date"), earliest)
        limit = REPORTS_MAX
    status = param("status")
    if status and status not in {"open", "closed"}:
        raise ValueError(f"status must be open or closed, not {status!r}")
    codes = set((param("service_code") or "").split(",")) - {""}
    ids = set((param("service_request_id") or "").split(",")) - {""}
    out: list[dict] = []
    n = int(end // REPORT_EVERY_S)
    while n * REPORT_EVERY_S + REPORT_EVERY_S > start and len(out) < limit:
        r = _report(server, n, now)
        n -= 1
        if r is None:
            continue
        t = _parse_time(r["requested_datetime"], "requested_datetime")
        if not start <= t <= end:
            continue
        if status and r["status"] != status:
            continue
        if codes and r["service_code"] not in codes:
            continue
        if ids and r["service_request_id"] not in ids:
            continue
        out.append(r)
    return out


def _error(status: int, description: str) -> Answer:
    # GeoReport v2 errors: a list of {code, description}.
    return Answer.json(status, [{"code": status, "description": description}])


def _key_refused(server: SystemsServer, query: dict[str, list[str]]) -> bool:
    return server.api_key is not None and query.get("api_key") != [server.api_key]


def services(server: SystemsServer, now: float, query: dict[str, list[str]]) -> Answer:
    return Answer.json(200, services_json(server))


def requests(server: SystemsServer, now: float, query: dict[str, list[str]]) -> Answer:
    if _key_refused(server, query):
        return _error(403, "invalid api_key")
    try:
        return Answer.json(200, requests_json(server, now, query))
    except ValueError as exc:
        return _error(400, str(exc))


def other(
    server: SystemsServer, now: float, query: dict[str, list[str]]
) -> Answer | None:
    """Any other Open311 path: 403 without the key, else 404."""
    if _key_refused(server, query):
        return _error(403, "invalid api_key")
    return None  # the server's 404


# A key ending in / answers every path under it that no other route does.
ROUTES = {
    "/open311/v2/services.json": services,
    "/open311/v2/requests.json": requests,
    "/open311/": other,
}
