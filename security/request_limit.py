"""A bound on the requests one session has in flight at once.

Without it, one signed-in browser sending 200 heavy requests together (30-day charts)
takes every thread of the web server and everyone else waits seconds to sign in. With
it, a session (its ``ioc_session`` cookie; without one, its client address) has at
most ``limit`` requests being answered; one more is answered 429 with Retry-After at
once, before any work, instead of queueing behind the others. Static files (Dash's
and Bootstrap's bundles, assets) are cheap and a page needs them all, so they are
not counted.

It is WSGI middleware, so it guards the app under waitress (``python app.py``) and
under gunicorn alike (per worker process). Behind a proxy it must sit inside
werkzeug's ProxyFix, which puts the client's address in REMOTE_ADDR first.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator

from werkzeug.http import parse_cookie

from i18n import DEFAULT_LANG, LANG_COOKIE, LANGS, t
from security.session import COOKIE

UNCOUNTED = ("/assets/", "/vendor/", "/_dash-component-suites/", "/_favicon.ico")
RETRY_AFTER_S = 1
MESSAGE = "too many requests of this session at once; retry in a moment"

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


class SessionLimit:
    """WSGI middleware: at most ``limit`` requests in flight per session."""

    def __init__(self, app: WSGIApp, limit: int) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.app = app
        self.limit = limit
        self._lock = threading.Lock()
        self._in_flight: dict[str, int] = {}
        self.refused = 0

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(UNCOUNTED):
            return self.app(environ, start_response)
        key = _key(environ)
        with self._lock:
            n = self._in_flight.get(key, 0)
            if n >= self.limit:
                self.refused += 1
                return _too_many(environ, start_response)
            self._in_flight[key] = n + 1
        answer = _Answer(self, key)
        try:
            answer.body = self.app(environ, start_response)
        except BaseException:
            answer.release()
            raise
        return answer

    def in_flight(self) -> int:
        with self._lock:
            return sum(self._in_flight.values())

    def _release(self, answer: _Answer) -> None:
        with self._lock:
            if answer.released:
                return
            answer.released = True
            key = answer.key
            n = self._in_flight.get(key, 0) - 1
            if n > 0:
                self._in_flight[key] = n
            else:
                self._in_flight.pop(key, None)


class _Answer:
    """The app's answer, giving its slot back once: when the server closes it (WSGI
    servers always do) or when its body has been read to the end (test clients do
    not close)."""

    def __init__(self, limit: SessionLimit, key: str) -> None:
        self.limit = limit
        self.key = key
        self.body: Iterable[bytes] = ()
        self.released = False

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self.body
        finally:
            self.release()

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.release()

    def release(self) -> None:
        self.limit._release(self)


def _key(environ: dict) -> str:
    token = parse_cookie(environ).get(COOKIE)
    if token:
        return "s:" + token
    return "a:" + environ.get("REMOTE_ADDR", "")


def _too_many(environ: dict, start_response: Callable) -> list[bytes]:
    path = environ.get("PATH_INFO", "")
    if path.startswith(("/_dash", "/api/")):
        body = json.dumps({"error": {"code": "busy", "message": MESSAGE}})
        ctype = "application/json"
    elif path.startswith("/open311/"):
        body = json.dumps([{"code": 429, "description": MESSAGE}])  # GeoReport v2
        ctype = "application/json"
    else:
        lang = parse_cookie(environ).get(LANG_COOKIE)
        body = t("error.busy", lang if lang in LANGS else DEFAULT_LANG)
        ctype = "text/plain; charset=utf-8"
    data = body.encode("utf-8")
    start_response(
        "429 Too Many Requests",
        [
            ("Content-Type", ctype),
            ("Content-Length", str(len(data))),
            ("Retry-After", str(RETRY_AFTER_S)),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
        ],
    )
    return [data]
