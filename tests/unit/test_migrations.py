"""The migration rule: one line of history with one head, and file names that say
their place in it. Two features that each add a migration from the same parent leave
two heads, and `alembic upgrade head` then refuses to start the app; this fails first.

The rule for a new migration: name it `NNNN_what.py` with the next number, set
`revision = "NNNN"` and `down_revision` to the current head (`alembic heads`), and run
the suite (tests/integration/store/test_store.py also checks the models against the
migrated schema on both databases)."""

from __future__ import annotations

import re

from alembic.script import ScriptDirectory

from store import migrate
from store.db import make_engine


def _scripts() -> ScriptDirectory:
    engine = make_engine("sqlite://")
    try:
        return ScriptDirectory.from_config(migrate.alembic_config(engine))
    finally:
        engine.dispose()


def test_the_migrations_have_one_head():
    assert len(_scripts().get_heads()) == 1


def test_every_migration_has_one_parent_and_one_child_at_most():
    scripts = _scripts()
    revisions = list(scripts.walk_revisions())
    assert all(
        isinstance(r.down_revision, str) or r.down_revision is None for r in revisions
    ), "a merge migration: keep the history one line"
    parents = [r.down_revision for r in revisions]
    assert len(parents) == len(set(parents)), "two migrations share a parent"


def test_file_names_number_the_history_in_order():
    scripts = _scripts()
    chain = list(reversed(list(scripts.walk_revisions())))
    numbers = [
        int(re.match(r"(\d{4})_", r.module.__file__.rsplit("/", 1)[-1])[1])
        for r in chain
    ]
    assert numbers == list(range(1, len(chain) + 1))
    assert [r.revision for r in chain] == [f"{n:04d}" for n in numbers]
