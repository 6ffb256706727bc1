"""Simulated external systems over HTTP, speaking the real formats: an RSS 2.0 press
feed and an Open311 GeoReport v2 endpoint of citizens' reports, set in the profile's
wards. New items appear over time, deterministically from the seed and the clock.

    GET /press/rss.xml                 RSS 2.0, the 20 latest items
    GET /open311/v2/services.json      the service list
    GET /open311/v2/requests.json      requests; start_date, end_date, status,
                                       service_code and service_request_id filter

``server.faults`` makes a path misbehave for fault tests: ``{"/press": "timeout"}``
(answers after ``server.timeout_s``), ``"500"`` or ``"garbage"``, by path prefix.

    python -m simulators.systems --port 8061
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

import province

log = logging.getLogger(__name__)
DEFAULT_PROFILE = Path(__file__).resolve().parents[1] / "profiles" / "bac-ninh.json"

PRESS_EVERY_S = 300  # a new press item every five minutes
PRESS_ITEMS = 20
REPORT_EVERY_S = 600  # a slot for a citizen's report every ten minutes
REPORTS_LATEST = 40  # the answer without start_date: the newest requests
REPORTS_SPAN_DAYS = 90  # GeoReport v2: start and end at most 90 days apart
REPORTS_MAX = 200  # the most requests one answer carries (GeoReport lets servers cap)
FAULTS = ("timeout", "500", "garbage")
SIMULATED_NOTE = "Tin mô phỏng phục vụ thử nghiệm."

# (category, headline); {place} is a ward or commune, {Place} the same capitalised.
PRESS_TEMPLATES = (
    ("Thời sự", "{Place} hoàn thành nâng cấp tuyến đường trước kế hoạch"),
    ("Môi trường", "Chất lượng không khí tại {place} được cải thiện sau đợt ra quân"),
    ("Môi trường", "Ra quân thu gom rác thải, khơi thông cống rãnh tại {place}"),
    ("Kinh tế", "Doanh nghiệp FDI tại {place} mở rộng sản xuất, tuyển thêm lao động"),
    ("Kinh tế", "{Place} thu hút thêm dự án đầu tư vào cụm công nghiệp"),
    ("Xã hội", "{Place} tổ chức tiếp công dân định kỳ, giải quyết kiến nghị tồn đọng"),
    ("Giao thông", "Phân luồng giao thông khu vực {place} phục vụ thi công cầu vượt"),
    ("Giao thông", "Lắp đặt thêm camera giám sát giao thông tại {place}"),
    (
        "Chuyển đổi số",
        "{Place} đẩy mạnh thanh toán không dùng tiền mặt tại chợ truyền thống",
    ),
    ("Chuyển đổi số", "Người dân {place} làm thủ tục hành chính trực tuyến toàn trình"),
    ("Thời tiết", "Cảnh báo mưa lớn, nguy cơ ngập úng cục bộ tại {place}"),
    ("Y tế", "Trạm y tế {place} khám sức khỏe miễn phí cho người cao tuổi"),
    ("Giáo dục", "{Place} khánh thành trường mầm non mới đạt chuẩn quốc gia"),
    ("Văn hóa", "Lễ hội truyền thống tại {place} thu hút đông đảo du khách"),
    ("An ninh", "Công an {place} ra mắt mô hình camera an ninh khu dân cư"),
)

# (code, name, agency's department code, typical description, group)
SERVICES = (
    (
        "o-ga",
        "Ổ gà, hư hỏng mặt đường",
        "so-xd",
        "Mặt đường xuất hiện ổ gà lớn gây nguy hiểm",
        "Hạ tầng",
    ),
    (
        "den-duong",
        "Đèn đường hỏng",
        "so-xd",
        "Cụm đèn chiếu sáng không hoạt động buổi tối",
        "Hạ tầng",
    ),
    (
        "ngap-ung",
        "Ngập úng",
        "so-xd",
        "Đoạn đường ngập sâu sau mưa, xe máy chết máy",
        "Hạ tầng",
    ),
    (
        "cay-xanh",
        "Cây xanh gãy đổ",
        "so-xd",
        "Cây xanh nghiêng, có nguy cơ gãy đổ",
        "Hạ tầng",
    ),
    (
        "lan-chiem",
        "Lấn chiếm vỉa hè",
        "so-xd",
        "Hàng quán lấn chiếm vỉa hè, lòng đường",
        "Trật tự đô thị",
    ),
    (
        "rac-thai",
        "Rác thải, vệ sinh môi trường",
        "so-nnmt",
        "Rác thải tồn đọng nhiều ngày, bốc mùi",
        "Môi trường",
    ),
    (
        "khoi-bui",
        "Khói bụi, đốt rơm rạ",
        "so-nnmt",
        "Đốt rơm rạ, khói bụi ảnh hưởng khu dân cư",
        "Môi trường",
    ),
    (
        "tieng-on",
        "Tiếng ồn",
        "ca-tinh",
        "Tiếng ồn karaoke kéo dài sau 22 giờ",
        "An ninh trật tự",
    ),
)


class SystemsServer(ThreadingHTTPServer):
    """The simulated systems; ``faults`` and ``timeout_s`` may be changed live."""

    daemon_threads = True

    def __init__(
        self, addr: tuple[str, int], profile: province.Profile, seed: int
    ) -> None:
        super().__init__(addr, _Handler)
        self.profile = profile
        self.seed = seed
        self.faults: dict[str, str] = {}
        self.timeout_s = 30.0
        # When set, Open311 requests must carry it as api_key (GeoReport v2: 403).
        self.api_key: str | None = None
        self.wards = sorted(profile.areas_at("ward"), key=lambda a: a.code) or sorted(
            profile.areas.values(), key=lambda a: a.code
        )
        self._closing = threading.Event()
        # "bac-ninh" -> "BN": request ids like BN-2992655.
        self.id_prefix = "".join(w[:1] for w in profile.code.split("-")).upper()

    def fault_for(self, path: str) -> str | None:
        for prefix, mode in list(self.faults.items()):
            if path.startswith(prefix):
                if mode not in FAULTS:
                    raise ValueError(f"unknown fault {mode!r}; one of {FAULTS}")
                return mode
        return None

    def sleep(self, seconds: float) -> None:
        """A timeout fault's wait, cut short when the server shuts down."""
        self._closing.wait(seconds)

    def shutdown(self) -> None:
        """Stop serving, release a timeout fault's waiting handler, close the
        socket."""
        self._closing.set()
        super().shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: SystemsServer

    def log_message(self, fmt: str, *args: object) -> None:
        log.debug("systems %s", fmt % args)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        url = urlsplit(self.path)
        fault = self.server.fault_for(url.path)
        if fault == "timeout":
            self.server.sleep(self.server.timeout_s)
            return self._send(504, "text/plain", b"late")
        if fault == "500":
            return self._send(500, "text/plain", b"internal error")
        if fault == "garbage":
            return self._send(200, "application/xml", b"\x00\xffnot <xml or json")
        now = datetime.now(UTC).timestamp()
        if url.path == "/press/rss.xml":
            body = rss(self.server, now)
            return self._send(200, "application/rss+xml; charset=utf-8", body)
        if url.path == "/open311/v2/services.json":
            return self._json(200, services_json(self.server))
        if url.path.startswith("/open311/") and self.server.api_key is not None:
            if parse_qs(url.query).get("api_key") != [self.server.api_key]:
                return self._json(
                    403, [{"code": 403, "description": "invalid api_key"}]
                )
        if url.path == "/open311/v2/requests.json":
            try:
                answer = requests_json(self.server, now, parse_qs(url.query))
            except ValueError as exc:
                # GeoReport v2 errors: a list of {code, description}.
                return self._json(400, [{"code": 400, "description": str(exc)}])
            return self._json(200, answer)
        self._json(404, [{"code": 404, "description": f"no such path: {url.path}"}])

    def _json(self, status: int, obj: object) -> None:
        body = json.dumps(obj, ensure_ascii=False).encode()
        self._send(status, "application/json; charset=utf-8", body)

    def _send(self, status: int, ctype: str, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            log.debug("systems: client left before the answer to %s", self.path)


def _place(name: str, first: bool) -> str:
    """'Phường Kinh Bắc' opens a sentence; mid-sentence Vietnamese writes 'phường'."""
    return name if first else name[:1].lower() + name[1:]


def rss(server: SystemsServer, now: float, count: int = PRESS_ITEMS) -> bytes:
    """The feed at ``now``: the ``count`` latest items, one per PRESS_EVERY_S slot."""
    last = int(now // PRESS_EVERY_S)
    items = []
    for n in range(last, last - count, -1):
        rng = random.Random(f"{server.seed}-press-{n}")
        category, template = rng.choice(PRESS_TEMPLATES)
        ward = rng.choice(server.wards)
        title = template.format(
            place=_place(ward.name, False), Place=_place(ward.name, True)
        )
        published = datetime.fromtimestamp(n * PRESS_EVERY_S, UTC)
        region = server.profile.areas.get(server.profile.region_of(ward.code))
        where = f"{ward.name}, {region.name}" if region else ward.name
        items.append(
            "<item>"
            f"<title>{escape(title)}</title>"
            f"<link>https://bao.example.vn/tin/{n}.html</link>"
            f'<guid isPermaLink="false">{escape(server.profile.code)}-press-{n}</guid>'
            f"<pubDate>{format_datetime(published)}</pubDate>"
            f"<description>{escape(f'{title} ({where}). {SIMULATED_NOTE}')}"
            "</description>"
            f"<category>{escape(category)}</category>"
            "</item>"
        )
    built = format_datetime(datetime.fromtimestamp(last * PRESS_EVERY_S, UTC))
    doc = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0"><channel>'
        f"<title>{escape(f'Báo {server.profile.name} (mô phỏng)')}</title>"
        "<link>https://bao.example.vn/</link>"
        f"<description>{escape(f'Tin địa phương tỉnh {server.profile.name}')}"
        "</description>"
        "<language>vi</language>"
        f"<lastBuildDate>{built}</lastBuildDate>" + "".join(items) + "</channel></rss>"
    )
    return doc.encode("utf-8")


def services_json(server: SystemsServer) -> list[dict]:
    return [
        {
            "service_code": code,
            "service_name": name,
            "description": desc,
            "metadata": False,
            "type": "realtime",
            "keywords": code.replace("-", " "),
            "group": group,
        }
        for code, name, _agency, desc, group in SERVICES
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
    code, name, agency, desc, _group = rng.choice(SERVICES)
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
        "description": f"{desc} tại {_place(ward.name, False)}.",
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


def start_systems_server(
    host: str, port: int, profile: province.Profile, seed: int
) -> tuple[SystemsServer, threading.Thread]:
    """Serve in a daemon thread; port 0 picks a free port (read it from
    ``server.server_address``). ``server.shutdown()`` stops and closes it."""
    server = SystemsServer((host, port), profile, seed)
    # A short poll interval: shutdown() returns in a tenth of a second.
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.1},
        name="systems-simulator",
        daemon=True,
    )
    thread.start()
    log.info("simulated external systems on http://%s:%d/", *server.server_address[:2])
    return server, thread


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Simulated RSS and Open311 systems")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8061)
    parser.add_argument("--profile", default=str(DEFAULT_PROFILE))
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    profile = province.load_profile(args.profile)
    server, thread = start_systems_server(args.host, args.port, profile, args.seed)
    try:
        thread.join()
    except KeyboardInterrupt:
        server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
