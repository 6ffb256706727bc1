"""Pollers: scheduled jobs that fetch from an external system over HTTP, normalise what
they
get and write it to the store. Every run records the source's health.

A poller is one small class (``name``, ``kind``, ``interval_s``, ``fetch``,
``normalise``,
``write``); ``run_once`` adds timeouts, retries with backoff inside a run, backoff
between
failing runs, and health. The HTTP client is passed in, never created at import time.
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from typing import Any

import httpx
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from store.writes import record_health

log = logging.getLogger(__name__)


class PollError(Exception):
    """A fetch or normalise failure with a message fit for the data-sources page."""


class Poller(ABC):
    name: str = "poller"
    kind: str = "http"
    interval_s: float = 60.0
    attempts: int = 3  # tries within one run before the run counts as failed
    retry_delay_s: float = 0.5  # first retry delay, doubled each time
    max_backoff_runs: int = 16  # a failing source is polled at most every 16 intervals

    def __init__(self) -> None:
        self.consecutive_failures = 0
        self._next_run = 0.0

    @abstractmethod
    def fetch(self, client: httpx.Client) -> Any:
        """Get the raw data; raise httpx.HTTPError or PollError."""

    @abstractmethod
    def normalise(self, raw: Any) -> list[dict]:
        """Turn raw data into records for ``write``; raise PollError on garbage."""

    @abstractmethod
    def write(self, engine: Engine, records: list[dict]) -> int:
        """Store the records idempotently; return how many were new."""

    def due(self, now: float | None = None) -> bool:
        return (time.monotonic() if now is None else now) >= self._next_run

    def run_once(self, engine: Engine, client: httpx.Client) -> bool:
        """One run: fetch (with retries), normalise, write, record health. Never raises
        for
        a source's failure; returns whether the run succeeded."""
        if not self.due():
            return False
        t0 = time.perf_counter()
        error = ""
        new = 0
        for attempt in range(self.attempts):
            try:
                records = self.normalise(self.fetch(client))
                new = self.write(engine, records)
                error = ""
                break
            except (httpx.HTTPError, PollError) as exc:
                error = _describe(exc)
                if attempt + 1 < self.attempts:
                    time.sleep(self.retry_delay_s * 2**attempt)
            except SQLAlchemyError as exc:
                error = f"store: {type(exc).__name__}: {exc}"[:500]
                break
        duration = (time.perf_counter() - t0) * 1000
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
        return ok


def _describe(exc: Exception) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"timeout: {exc.request.url if exc.request else ''}"[:500]
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code} from {exc.request.url}"[:500]
    return f"{type(exc).__name__}: {exc}"[:500]
