"""A poller's source times out, answers 500 or sends garbage: under the real scheduler
its health turns red, it is polled less and less often, and it recovers by itself
once the source is back, with nothing touched but the source."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from components.tables import state_badge
from datasources.press_rss import RssPoller
from datasources.scheduler import start_scheduler
from store import queries
from tests.helpers import wait_for

INTERVAL_S = 0.25
TIMEOUT_S = 0.3
FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Bao Bac Ninh</title>
<item><title>Tin 1</title><link>https://example.org/1</link><guid>g1</guid></item>
<item><title>Tin 2</title><link>https://example.org/2</link><guid>g2</guid></item>
</channel></rss>"""


class Source:
    """A local HTTP source whose behaviour a test switches: ok, timeout, 500, garbage.
    It notes when each request arrived."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.hits: list[tuple[float, str]] = []
        self._release = threading.Event()
        source = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                mode = source.mode
                source.hits.append((time.monotonic(), mode))
                if mode == "timeout":
                    # Longer than the client waits; released when the test ends.
                    source._release.wait(5 * TIMEOUT_S)
                    body, status = FEED, 200
                elif mode == "500":
                    body, status = b"internal error", 500
                elif mode == "garbage":
                    body, status = b"\x00\xffnot <rss at all", 200
                else:
                    body, status = FEED, 200
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/rss+xml")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (timeout)

            def log_message(self, *args) -> None:  # noqa: ANN002 - quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/rss.xml"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def source():
    s = Source()
    yield s
    s.close()


def _health(engine, name: str):
    """The source's health row, or None before its first run."""
    df = queries.source_health(engine)
    rows = df[df["source"] == name]
    return None if rows.empty else rows.iloc[0]


def _status(engine, name: str) -> str | None:
    h = _health(engine, name)
    return None if h is None else h.status


class RecordingPoller(RssPoller):
    """The RSS poller, noting when each run that was due began and ended."""

    def __init__(self, url: str) -> None:
        super().__init__(url, name="rss:fault", interval_s=INTERVAL_S)
        self.retry_delay_s = 0.01
        self.runs: list[tuple[float, float, bool]] = []

    def run_once(self, engine, client) -> bool:  # noqa: ANN001
        if not self.due():
            return False
        start = time.monotonic()
        ok = super().run_once(engine, client)
        self.runs.append((start, time.monotonic(), ok))
        return ok


@pytest.mark.parametrize(
    "fault, words",
    [("timeout", "timeout"), ("500", "HTTP 500"), ("garbage", "not XML")],
)
def test_a_failing_source_turns_red_backs_off_and_recovers_by_itself(
    engine, source, fault, words
):
    poller = RecordingPoller(source.url)
    source.mode = fault
    scheduler, client = start_scheduler(
        engine, [poller], timeout_s=TIMEOUT_S, alerts_every_s=0
    )
    try:
        # Red on the data-sources page, with the reason.
        wait_for(
            lambda: _status(engine, "rss:fault") == "error", message="health error"
        )
        h = _health(engine, "rss:fault")
        assert words in h.error_text
        assert state_badge(h.status, "").color == "danger"
        # Backed off: after failing runs 1, 2 and 3 the next waits for the scheduler's
        # next tick, then 1 and 3 more intervals (2**(n-1) - 1); each run retried.
        wait_for(lambda: len(poller.runs) >= 4, timeout=20, message="4 failing runs")
        runs = poller.runs[:4]
        assert not any(ok for _s, _e, ok in runs)
        idle = [b[0] - a[1] for a, b in zip(runs, runs[1:])]
        assert idle[0] < 2 * INTERVAL_S, idle
        assert idle[1] >= INTERVAL_S - 0.02, idle
        assert idle[2] >= 3 * INTERVAL_S - 0.02, idle
        assert [m for _t, m in source.hits].count(fault) >= 3 * 3
        h = _health(engine, "rss:fault")
        assert h.consecutive_errors >= 3 and h.detail["consecutive_failures"] >= 3
        assert queries.press_items(engine).empty

        # The source comes back; nobody touches the poller.
        source.mode = "ok"
        wait_for(
            lambda: _status(engine, "rss:fault") == "ok",
            timeout=20,
            message="health ok again",
        )
        h = _health(engine, "rss:fault")
        assert (h.consecutive_errors, h.detail["consecutive_failures"]) == (0, 0)
        assert len(queries.press_items(engine)) == 2
        # Back to its normal pace: the next runs follow at the interval.
        first_ok = next(i for i, r in enumerate(poller.runs) if r[2])
        wait_for(
            lambda: len(poller.runs) >= first_ok + 3,
            timeout=20 * INTERVAL_S,
            message="two more runs",
        )
        after = poller.runs[first_ok : first_ok + 3]
        assert all(ok for _s, _e, ok in after)
        assert all(b[0] - a[1] < 2 * INTERVAL_S for a, b in zip(after, after[1:]))
        assert len(queries.press_items(engine)) == 2  # polled again, nothing doubled
    finally:
        scheduler.shutdown(wait=True)
        client.close()
