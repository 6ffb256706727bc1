"""Several ingest processes started at once on an empty store: the migrations run
under a lock, so exactly one process applies them, none crashes (on PostgreSQL one
used to fail with "duplicate key value violates unique constraint
pg_type_typname_nsp_index", on SQLite with "table alembic_version already exists")
and the schema is at head once."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from store import migrate
from store.schema import Base
from tests.conftest import PG_URL, ROOT, _unavailable
from tests.helpers import wait_for

PROCESSES = 3

# One ingest process, as `IOC_ROLE=ingest python app.py` starts it (Services.start:
# migrations, first admin, sensors, then the ingest on the broker), held at a
# barrier after its imports so that all of them reach the migrations together.
CHILD = textwrap.dedent(
    """
    import logging, sys, time
    from pathlib import Path

    sys.path.insert(0, sys.argv[1])
    import config
    from processes import Services

    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    ready, go = Path(sys.argv[2]), Path(sys.argv[3])
    ready.touch()
    while not go.exists():
        time.sleep(0.005)
    services = Services(config.load())
    services.start()
    try:
        deadline = time.monotonic() + 30
        while not services.ingest.subscribed.is_set():
            assert time.monotonic() < deadline, "the ingest never subscribed"
            time.sleep(0.02)
        print("INGEST STARTED", flush=True)
    finally:
        services.stop()
    """
)


def _start_together(tmp_path: Path, database_url: str, broker_url: str) -> list:
    """PROCESSES ingest processes released at the same moment; their outcomes."""
    go = tmp_path / "go"
    run = uuid.uuid4().hex[:8]
    procs = []
    for i in range(PROCESSES):
        env = {
            **os.environ,
            "IOC_DATABASE_URL": database_url,
            "IOC_ROLE": "ingest",
            "IOC_SIMULATE": "0",
            "IOC_MQTT_URL": broker_url,
            "IOC_MQTT_CLIENT_ID": f"ioc-lock-{run}-{i}",
            # A topic nobody publishes on: the sessions these leave on the shared
            # broker queue nothing.
            "IOC_MQTT_TOPIC": f"ioc-lock-{run}/+/data",
            "IOC_LOG_LEVEL": "INFO",
        }
        env.pop("IOC_ADMIN_PASSWORD", None)
        ready = tmp_path / f"ready-{i}"
        procs.append(
            (
                ready,
                subprocess.Popen(
                    [sys.executable, "-c", CHILD, str(ROOT), str(ready), str(go)],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                ),
            )
        )
    try:
        wait_for(
            lambda: all(r.exists() or p.poll() is not None for r, p in procs),
            timeout=60,
            message="every process at the barrier",
        )
        go.touch()
        return [(p.wait(timeout=120), p.stdout.read()) for _r, p in procs]
    finally:
        for _r, p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()


def _check(outcomes: list, url: str) -> None:
    for rc, out in outcomes:
        assert rc == 0 and "INGEST STARTED" in out, out[-3000:]
    heads = ScriptDirectory.from_config(migrate.alembic_config(None)).get_heads()
    applied = sum(out.count("Running upgrade") for _rc, out in outcomes)
    revisions = len(
        list(ScriptDirectory.from_config(migrate.alembic_config(None)).walk_revisions())
    )
    # Every migration applied once, by one process; the others found the head.
    assert applied == revisions, [out for _rc, out in outcomes]
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version"))
            assert [v for (v,) in versions] == heads
            tables = set(inspect(conn).get_table_names())
            assert set(Base.metadata.tables) <= tables
            admins = conn.execute(text("SELECT count(*) FROM users")).scalar_one()
            assert admins == 1  # the first admin, created by one process only
    finally:
        engine.dispose()


@pytest.mark.timeout(240)
def test_ingests_started_at_once_on_an_empty_postgresql_all_start(tmp_path, mosquitto):
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"ioc_lock_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to reach PostgreSQL
        admin.dispose()
        _unavailable("PostgreSQL", exc)
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        _check(_start_together(tmp_path, url, mosquitto), url)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.timeout(240)
def test_ingests_started_at_once_on_a_new_sqlite_file_all_start(tmp_path, mosquitto):
    url = f"sqlite:///{tmp_path / 'ioc.db'}"
    _check(_start_together(tmp_path, url, mosquitto), url)
