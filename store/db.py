"""One engine per process: SQLite in WAL mode by default, PostgreSQL by URL."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

import config

log = logging.getLogger(__name__)


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine for ``url``; SQLite gets WAL, a busy timeout and foreign
    keys."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            folder = Path(u.database).parent
            # Only the default store's directory is made here: a directory someone
            # named (IOC_DATABASE_URL) that does not exist is their mistake, not a
            # new empty store's place.
            if folder.resolve() == config.DATA_DIR.resolve():
                folder.mkdir(parents=True, exist_ok=True)
            elif not folder.is_dir():
                raise FileNotFoundError(
                    f"directory {folder} of the SQLite store does not exist"
                )
        # Writers wait for each other instead of failing at once (ingest vs. web
        # writes).
        kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
        engine = create_engine(u, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001 - DBAPI types
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    # libpq waits for an unreachable host as long as TCP does (minutes).
    kwargs.setdefault("connect_args", {"connect_timeout": 10})
    return create_engine(u, **kwargs)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
