"""A poller reads at most its byte cap and stops at its deadline, whatever the source
does: a huge body (announced or not, or behind a redirect) is refused after reading
little, a source trickling a byte at a time is cut off at the run's deadline, and
garbage is a clear error in the source's health, never a crash."""

from __future__ import annotations

import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from datasources.open311 import Open311Poller
from datasources.press_rss import RssPoller
from store import queries

GARBAGE = {
    "nested": b"[" * 100_000 + b"]" * 100_000,
    "encoding": b'<?xml version="1.0" encoding="x-nobody"?><rss version="2.0"/>',
}
MAX_BYTES = 1_000_000
HUGE = 64_000_000
CHUNK = b"<" * 65_536
TRICKLE_S = 0.5
DEADLINE_S = 1.5


class Source:
    """A local HTTP source that misbehaves by path, counting the body bytes it got
    into the socket (which is at least what the client read)."""

    def __init__(self) -> None:
        self.sent = 0
        self.closed = threading.Event()
        source = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                parts = self.path.split("?")[0].split("/")
                try:
                    if "redirect-huge" in parts:
                        self.send_response(302)
                        self.send_header("Location", "/huge")
                        self.end_headers()
                        source.pour(self.wfile, HUGE)
                    elif "huge-length" in parts:
                        self.send_response(200)
                        # The 419 MB feed of the incident; 64 MB of it are sent.
                        self.send_header("Content-Length", "419000000")
                        self.end_headers()
                        source.pour(self.wfile, HUGE)
                    elif "trickle-headers" in parts:
                        self.wfile.write(b"HTTP/1.0 200 OK\r\nX-Slow: ")
                        source.trickle(self.wfile)
                    elif "trickle" in parts:
                        self.send_response(200)
                        self.send_header("Content-Length", "1000")
                        self.end_headers()
                        source.trickle(self.wfile)
                    elif "nested" in parts or "encoding" in parts:
                        body = GARBAGE["encoding" if "encoding" in parts else "nested"]
                        self.send_response(200)
                        self.send_header("Content-Length", str(len(body)))
                        self.end_headers()
                        self.wfile.write(body)
                    else:  # /huge: no length, the body ends when the server closes
                        self.send_response(200)
                        self.end_headers()
                        source.pour(self.wfile, HUGE)
                except OSError:
                    pass  # the client hung up, as it should

            def log_message(self, *args) -> None:  # noqa: ANN002 - quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(
            target=self.server.serve_forever, args=(0.05,), daemon=True
        ).start()

    def pour(self, wfile, total: int) -> None:  # noqa: ANN001 - a socket writer
        poured = 0
        while poured < total and not self.closed.is_set():
            wfile.write(CHUNK)
            poured += len(CHUNK)
            self.sent += len(CHUNK)

    def trickle(self, wfile, count: int = 10) -> None:  # noqa: ANN001
        for _ in range(count):
            if self.closed.wait(TRICKLE_S):
                return
            wfile.write(b"x")
            wfile.flush()
            self.sent += 1

    def close(self) -> None:
        self.closed.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def source():
    s = Source()
    yield s
    s.close()


@pytest.fixture
def client():
    # Every read gets 1 s, longer than the trickle's pause: only a deadline stops it.
    with httpx.Client(timeout=1.0, follow_redirects=True) as c:
        yield c


def _rss(url: str) -> RssPoller:
    return RssPoller(url, name="limits")


def _open311(url: str) -> Open311Poller:
    # Open311Poller asks for <base>/requests.json: the base names the behaviour.
    return Open311Poller(url, name="limits")


POLLERS = {"rss": _rss, "open311": _open311}


def _poller(kind: str, url: str):  # noqa: ANN202
    p = POLLERS[kind](url)
    p.max_bytes = MAX_BYTES
    p.deadline_s = DEADLINE_S
    p.retry_delay_s = 0.01
    return p


def _health(engine):
    return queries.source_health(engine).set_index("source").loc["limits"]


@pytest.mark.parametrize("kind", POLLERS)
@pytest.mark.parametrize("path", ["/huge", "/huge-length", "/redirect-huge"])
def test_a_huge_answer_is_refused_with_little_read(
    sqlite_engine, source, client, kind, path
):
    poller = _poller(kind, source.base + path)
    tracemalloc.start()
    try:
        ok = poller.run_once(sqlite_engine, client)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not ok
    h = _health(sqlite_engine)
    assert h.status == "error" and "larger than" in h.error_text, h.error_text
    # What sits in the socket buffers at most, not the body (64 MB).
    assert source.sent < 16 * MAX_BYTES, source.sent
    assert peak < 8 * MAX_BYTES, peak


@pytest.mark.parametrize("kind", POLLERS)
@pytest.mark.parametrize("path", ["/trickle", "/trickle-headers"])
def test_a_trickling_source_is_cut_off_at_the_runs_deadline(
    sqlite_engine, source, client, kind, path
):
    poller = _poller(kind, source.base + path)
    t0 = time.monotonic()
    assert not poller.run_once(sqlite_engine, client)
    took = time.monotonic() - t0
    assert took < DEADLINE_S + TRICKLE_S, took
    h = _health(sqlite_engine)
    assert h.status == "error" and "deadline" in h.error_text, h.error_text
    assert source.sent <= DEADLINE_S / TRICKLE_S + 1  # no second attempt


@pytest.mark.parametrize(
    "kind, path, words",
    [("open311", "/nested", "not JSON"), ("rss", "/encoding", "not XML")],
)
def test_garbage_is_a_clear_error_in_health_not_a_crash(
    sqlite_engine, source, client, kind, path, words
):
    poller = _poller(kind, source.base + path)
    assert not poller.run_once(sqlite_engine, client)
    h = _health(sqlite_engine)
    assert h.status == "error" and words in h.error_text, h.error_text
