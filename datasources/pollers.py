"""Pollers: scheduled jobs that fetch from an external system over HTTP, normalise what
they get and write it to the store. Every run records the source's health.

A poller is one small class (``name``, ``kind``, ``interval_s``, ``fetch``,
``normalise``, ``write``); ``run_once`` adds a deadline for the whole run, retries with
backoff inside it, backoff between failing runs, and health. ``fetch_bounded`` is the
one way a poller reads HTTP: a byte cap and the run's deadline, whatever the source
sends. The HTTP client is passed in, never created at import time.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from abc import ABC, abstractmethod
from typing import Any

import httpx
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from store.writes import now_ms, record_health

log = logging.getLogger(__name__)
DEFAULT_MAX_BYTES = 5_000_000
DEFAULT_DEADLINE_S = 30.0


class PollError(Exception):
    """A fetch or normalise failure with a message fit for the data-sources page."""


class DeadlineExceeded(PollError):
    """The run's deadline passed before the source answered in full."""


class AnswerTooLarge(PollError):
    """The answer is larger than the poller reads (another try would be too)."""


class Poller(ABC):
    name: str = "poller"
    kind: str = "http"
    interval_s: float = 60.0
    deadline_s: float = DEFAULT_DEADLINE_S  # the whole run: connects, reads, retries
    max_bytes: int = DEFAULT_MAX_BYTES  # largest answer read
    attempts: int = 3  # tries within one run before the run counts as failed
    retry_delay_s: float = 0.5  # first retry delay, doubled each time
    max_backoff_runs: int = 16  # a failing source is polled at most every 16 intervals

    def __init__(self) -> None:
        self.consecutive_failures = 0
        self._next_run = 0.0
        # (time.monotonic(), epoch ms) of the run in progress, for the scheduler's
        # watch on hung runs; None between runs.
        self.in_flight: tuple[float, int] | None = None

    @abstractmethod
    def fetch(self, client: httpx.Client, deadline: float) -> Any:
        """Get the raw data by ``deadline`` (a ``time.monotonic()`` time), through
        ``fetch_bounded``; raise httpx.HTTPError or PollError."""

    @abstractmethod
    def normalise(self, raw: Any) -> list[dict]:
        """Turn raw data into records for ``write``; raise PollError on garbage."""

    @abstractmethod
    def write(self, engine: Engine, records: list[dict]) -> int:
        """Store the records idempotently; return how many were new."""

    def due(self, now: float | None = None) -> bool:
        return (time.monotonic() if now is None else now) >= self._next_run

    def run_once(self, engine: Engine, client: httpx.Client) -> bool:
        """One run: fetch (with retries, all by the run's deadline), normalise, write,
        record health. Never raises for a source's failure; returns whether the run
        succeeded."""
        if not self.due():
            return False
        t0 = time.perf_counter()
        started = time.monotonic()
        self.in_flight = (started, now_ms())
        try:
            error, new = self._attempts(engine, client, started + self.deadline_s)
            self._record(engine, error, new, (time.perf_counter() - t0) * 1000)
        finally:
            self.in_flight = None
        return not error

    def _attempts(
        self, engine: Engine, client: httpx.Client, deadline: float
    ) -> tuple[str, int]:
        """(error or "", new records) of one run's tries."""
        error = ""
        for attempt in range(self.attempts):
            try:
                records = self.normalise(self.fetch(client, deadline))
                return "", self.write(engine, records)
            except (DeadlineExceeded, AnswerTooLarge) as exc:
                return _describe(exc), 0
            except (httpx.HTTPError, PollError) as exc:
                error = _describe(exc)
            except SQLAlchemyError as exc:
                return f"store: {type(exc).__name__}: {exc}"[:500], 0
            except Exception as exc:
                # Input nobody foresaw (or a bug): a red row with the reason and a
                # traceback in the log, not a dead job with a green row.
                log.exception("poller %s failed unexpectedly", self.name)
                return _describe(exc), 0
            delay = self.retry_delay_s * 2**attempt
            if attempt + 1 == self.attempts or time.monotonic() + delay >= deadline:
                break
            time.sleep(delay)
        return error, 0

    def _record(self, engine: Engine, error: str, new: int, duration: float) -> None:
        ok = not error
        if ok:
            self.consecutive_failures = 0
            self._next_run = 0.0
        else:
            self.consecutive_failures += 1
            skip = min(2 ** (self.consecutive_failures - 1), self.max_backoff_runs)
            self._next_run = time.monotonic() + (skip - 1) * self.interval_s
            log.warning(
                "poller %s failed (%d in a row): %s",
                self.name,
                self.consecutive_failures,
                error,
            )
        try:
            record_health(
                engine,
                self.name,
                self.kind,
                ok,
                error=error,
                duration_ms=duration,
                detail={"new": new, "consecutive_failures": self.consecutive_failures},
            )
        except SQLAlchemyError:
            log.exception("could not record health of %s", self.name)


def fetch_bounded(
    client: httpx.Client,
    url: str,
    max_bytes: int,
    deadline: float,
    params: dict[str, str] | None = None,
) -> bytes:
    """GET ``url`` and return its body, reading at most ``max_bytes`` (decoded) and
    ending by ``deadline`` (a ``time.monotonic()`` time) however slowly the source
    sends: the client's timeouts bound each read, the deadline the whole fetch.

    A body announced larger than the cap is refused before it is read. Redirects are
    followed when the client follows them, without reading their bodies. Raises
    AnswerTooLarge, DeadlineExceeded or httpx.HTTPError (HTTP status too)."""
    guard = _Deadline(deadline)
    try:
        request = client.build_request("GET", url, params=params)
        for _hop in range(client.max_redirects + 1):
            request.extensions = {
                **request.extensions,
                "timeout": _timeout(client.timeout, guard.remaining(url)).as_dict(),
                "trace": guard.trace,
            }
            response = client.send(request, stream=True, follow_redirects=False)
            try:
                guard.watch(response.extensions.get("network_stream"))
                if response.next_request is not None and client.follow_redirects:
                    request = response.next_request
                    continue
                response.raise_for_status()
                return _read_capped(response, max_bytes, guard)
            finally:
                response.close()
        raise httpx.TooManyRedirects(
            f"more than {client.max_redirects} redirects", request=request
        )
    except httpx.HTTPError as exc:
        if guard.passed():
            raise DeadlineExceeded(_late(url)) from exc
        raise
    finally:
        guard.close()


def _read_capped(response: httpx.Response, max_bytes: int, guard: _Deadline) -> bytes:
    url = str(response.request.url)
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise AnswerTooLarge(
            f"answer from {url} larger than {max_bytes} bytes "
            f"(Content-Length {declared})"
        )
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise AnswerTooLarge(f"answer from {url} larger than {max_bytes} bytes")
        guard.remaining(url)
    # A body that ends when the connection closes looks complete when the deadline
    # shut the socket.
    guard.remaining(url)
    return bytes(body)


def _timeout(client_timeout: httpx.Timeout, remaining: float) -> httpx.Timeout:
    """The client's timeouts, none longer than what is left of the deadline."""

    def cap(value: float | None) -> float:
        return remaining if value is None else min(value, remaining)

    return httpx.Timeout(
        connect=cap(client_timeout.connect),
        read=cap(client_timeout.read),
        write=cap(client_timeout.write),
        pool=cap(client_timeout.pool),
    )


def _late(url: str) -> str:
    return f"the run's deadline passed before {url} answered in full"


class _Deadline:
    """Ends a fetch at its deadline. Read timeouts start again with every byte (a
    source trickling a byte every few seconds never times out), so at the deadline a
    timer shuts down the socket being read, which wakes the blocked read."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._done = False
        self._fired = False
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def passed(self) -> bool:
        return self._fired or time.monotonic() >= self.deadline

    def remaining(self, url: str) -> float:
        """Seconds left; DeadlineExceeded when none are."""
        left = self.deadline - time.monotonic()
        if left <= 0 or self._fired:
            raise DeadlineExceeded(_late(url))
        return left

    def trace(self, event: str, info: dict) -> None:
        """httpcore's trace hook: watch a new connection from its first byte (the
        response's stream comes too late for a source trickling its headers)."""
        if event in (
            "connection.connect_tcp.complete",
            "connection.start_tls.complete",
        ):
            self.watch(info.get("return_value"))

    def watch(self, stream: Any) -> None:
        sock = stream.get_extra_info("socket") if stream is not None else None
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            if self._done:
                return
            self._sock = sock
            fired = self._fired
        if fired:
            _shut(sock)

    def close(self) -> None:
        with self._lock:
            self._done = True
        self._timer.cancel()

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self._fired = True
            sock = self._sock
        if sock is not None:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    # socket.socket's own shutdown, also for an SSLSocket: its override would drop
    # the TLS state under the thread still reading.
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError as exc:  # already closed by its reader: nothing left to wake
        log.debug("deadline: socket already closed: %s", exc)


def _describe(exc: Exception) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"timeout: {exc.request.url if exc.request else ''}"[:500]
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code} from {exc.request.url}"[:500]
    return f"{type(exc).__name__}: {exc}"[:500]
