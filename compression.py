"""Compressed answers (Brotli for browsers that take it, gzip else) through
flask-compress, which Dash's ``compress=True`` switches on.

The JavaScript bundles are large (Plotly 4.8 MB) and never change while the process
runs, so each is compressed once per encoding and kept; callback answers and pages are
compressed per request and never kept.
"""

from __future__ import annotations

import threading

from flask import Flask, request

STATIC_PREFIXES = ("/_dash-component-suites/", "/vendor/", "/assets/")


class StaticOnlyCache:
    """flask-compress's cache backend: keeps compressed static files only (keys are
    ``"<encoding>;<path>"``); anything else is neither read nor kept."""

    def __init__(self, max_entries: int = 256) -> None:
        self._data: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self.max_entries = max_entries

    @staticmethod
    def _static(key: str) -> bool:
        return key.split(";", 1)[-1].startswith(STATIC_PREFIXES)

    def get(self, key: str) -> bytes | None:
        if not self._static(key):
            return None
        with self._lock:
            return self._data.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not self._static(key):
            return
        with self._lock:
            if len(self._data) < self.max_entries:
                self._data[key] = value


def configure(server: Flask) -> None:
    """Settings read by flask-compress when Dash starts it (before Dash(...))."""
    cache = StaticOnlyCache()
    server.config.update(
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_BR_LEVEL=5,
        COMPRESS_LEVEL=6,
        COMPRESS_MIN_SIZE=500,
        COMPRESS_CACHE_BACKEND=lambda: cache,
        COMPRESS_CACHE_KEY=lambda _req: request.full_path.rstrip("?"),
    )
