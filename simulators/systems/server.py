"""The HTTP server of the simulated systems: a route table (path -> the function
that answers it, each system one module) and faults for the fault tests."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import province
from simulators.systems.answer import Answer

log = logging.getLogger(__name__)
FAULTS = ("timeout", "500", "garbage")
# A route: (server, now as epoch seconds, the query) -> its answer, or None for 404.
Route = Callable[["SystemsServer", float, dict[str, list[str]]], Answer | None]


class SystemsServer(ThreadingHTTPServer):
    """The simulated systems; ``faults`` and ``timeout_s`` may be changed live."""

    daemon_threads = True

    def __init__(
        self,
        addr: tuple[str, int],
        profile: province.Profile,
        seed: int,
        routes: Mapping[str, Route],
    ) -> None:
        super().__init__(addr, _Handler)
        self.routes = dict(routes)
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

    def route_for(self, path: str) -> Route | None:
        """The route of ``path``, else of the longest route ending in / that
        ``path`` starts with."""
        if path in self.routes:
            return self.routes[path]
        prefixes = [p for p in self.routes if p.endswith("/") and path.startswith(p)]
        return self.routes[max(prefixes, key=len)] if prefixes else None

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
        route = self.server.route_for(url.path)
        answer = route(self.server, now, parse_qs(url.query)) if route else None
        if answer is None:
            answer = Answer.json(
                404, [{"code": 404, "description": f"no such path: {url.path}"}]
            )
        self._send(answer.status, answer.content_type, answer.body)

    def _send(self, status: int, ctype: str, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            log.debug("systems: client left before the answer to %s", self.path)


def start_systems_server(
    host: str,
    port: int,
    profile: province.Profile,
    seed: int,
    routes: Mapping[str, Route],
) -> tuple[SystemsServer, threading.Thread]:
    """Serve in a daemon thread; port 0 picks a free port (read it from
    ``server.server_address``). ``server.shutdown()`` stops and closes it."""
    server = SystemsServer((host, port), profile, seed, routes)
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
