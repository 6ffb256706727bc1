"""The process's one engine, created on first use from the configuration."""

from __future__ import annotations

import threading

from sqlalchemy import Engine

import config
from store.db import make_engine

_engine: Engine | None = None
_lock = threading.Lock()


def get_engine() -> Engine:
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                _engine = make_engine(config.load().database_url)
    return _engine


def set_engine(engine: Engine | None) -> None:
    """Use ``engine`` from now on (start-up with a migrated engine, tests)."""
    global _engine
    with _lock:
        _engine = engine
