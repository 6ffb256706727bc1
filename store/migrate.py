"""Bring the schema up to date with Alembic; run on every start (cheap when current).

Every role migrates on start, so several processes started at once (two ingests, the
pollers, the web) race for an empty database: the migration runs under a lock that
serialises them across processes. The first applies the migrations, the others wait,
then find the schema at head and do nothing."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Connection, Engine, text

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# PostgreSQL advisory lock key of the migrations (any fixed 64-bit number; this one
# is b"iocmigr" read as an integer), shared by every process of every version.
PG_LOCK_KEY = 0x696F636D696772


def alembic_config(engine: Engine) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


@contextmanager
def _pg_lock(conn: Connection) -> Iterator[None]:
    """A session-level advisory lock on ``conn``, released on the way out. Taken
    outside the migration's transaction, so the others wait until it is committed."""
    got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": PG_LOCK_KEY})
    if not got.scalar_one():
        log.info("another process is migrating the schema: waiting for it")
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_LOCK_KEY})
    conn.commit()
    try:
        yield
    finally:
        if conn.in_transaction():
            conn.rollback()
        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_LOCK_KEY})
        conn.commit()


def upgrade(engine: Engine) -> None:
    """Apply every migration up to head on ``engine``'s database, under a lock that
    one process at a time holds (PostgreSQL: an advisory lock on the migration's
    connection; SQLite: the database's write lock, BEGIN IMMEDIATE, held from
    reading the current version to the commit of the last migration)."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            with _pg_lock(conn):
                _upgrade(engine, conn)
        elif conn.dialect.name == "sqlite":
            # pysqlite runs DDL outside any transaction unless one is open: open a
            # writing one first, so a second process waits (busy timeout) at BEGIN
            # instead of creating the same tables.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            _upgrade(engine, conn)
        else:
            _upgrade(engine, conn)
    log.info("schema at head on %s", engine.url.render_as_string(hide_password=True))


def _upgrade(engine: Engine, conn: Connection) -> None:
    cfg = alembic_config(engine)
    cfg.attributes["connection"] = conn
    try:
        command.upgrade(cfg, "head")
    except BaseException:
        conn.rollback()
        raise
    conn.commit()
