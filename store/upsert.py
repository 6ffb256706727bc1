"""Dialect-specific INSERT ... ON CONFLICT, for the two databases the store runs on."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection


def insert_for(conn: Connection, table: Table):  # noqa: ANN201 - dialect Insert types differ
    """``insert(table)`` of the connection's dialect, which has ``on_conflict_*``."""
    name = conn.dialect.name
    if name == "sqlite":
        return sqlite.insert(table)
    if name == "postgresql":
        return postgresql.insert(table)
    raise NotImplementedError(f"the store runs on SQLite or PostgreSQL, not {name}")
