"""Shared fixtures: stores on SQLite and PostgreSQL, brokers (embedded amqtt and
Mosquitto), and a clean Dash page registry.

PostgreSQL and Mosquitto tests skip when the service is unreachable on a developer's
machine, but fail under CI (CI=true or IOC_TEST_REQUIRE_SERVICES=1): there both must
run.
"""

from __future__ import annotations

import os
import socket
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mqtt_url import parse_broker_url  # noqa: E402
from store import migrate  # noqa: E402
from store.db import make_engine  # noqa: E402
from store.schema import Base  # noqa: E402

PG_URL = os.environ.get(
    "IOC_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
MOSQUITTO_URL = os.environ.get("IOC_TEST_MOSQUITTO_URL", "mqtt://127.0.0.1:1883")
REQUIRE = (
    os.environ.get("CI", "").lower() == "true"
    or os.environ.get("IOC_TEST_REQUIRE_SERVICES") == "1"
)


def _unavailable(what: str, why: object) -> None:
    if REQUIRE:
        pytest.fail(f"{what} is required under CI but unavailable: {why}")
    pytest.skip(f"{what} unavailable: {why}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'ioc.db'}")
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


_SEEDED: dict = {}


@pytest.fixture(scope="session")
def _pg_database():
    """A throw-away database for this test session, migrated once."""
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"ioc_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to reach PostgreSQL
        admin.dispose()
        _unavailable("PostgreSQL", exc)
    url = admin.url.set(database=name)
    engine = make_engine(url.render_as_string(hide_password=False))
    migrate.upgrade(engine)
    # Rows the migrations seed (the default alert rules), restored after each TRUNCATE.
    with engine.connect() as conn:
        _SEEDED[engine.url] = {
            t: [dict(r._mapping) for r in conn.execute(t.select())]
            for t in Base.metadata.sorted_tables
        }
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_engine(_pg_database):
    with _pg_database.begin() as conn:
        names = ", ".join(t.name for t in Base.metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY"))
        for table, rows in _SEEDED[_pg_database.url].items():
            if rows:
                conn.execute(table.insert(), rows)
    return _pg_database


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request):
    """The store on each database it must run on."""
    return request.getfixturevalue(
        f"{'pg' if request.param == 'postgres' else 'sqlite'}_engine"
    )


@pytest.fixture
def embedded_broker():
    from datasources.broker import EmbeddedBroker

    broker = EmbeddedBroker("127.0.0.1", free_port()).start()
    yield broker.url
    broker.stop()


@pytest.fixture
def mosquitto():
    addr = parse_broker_url(MOSQUITTO_URL)
    try:
        with socket.create_connection((addr.host, addr.port), timeout=2):
            pass
    except OSError as exc:
        _unavailable(f"Mosquitto at {MOSQUITTO_URL}", exc)
    return MOSQUITTO_URL


@pytest.fixture(params=["embedded", "mosquitto"])
def broker_url(request):
    """A real broker: the embedded amqtt one and Mosquitto."""
    return request.getfixturevalue(
        "embedded_broker" if request.param == "embedded" else "mosquitto"
    )


@pytest.fixture
def clean_page_registry():
    """Dash's page registry is global: keep tests that register pages from leaking."""
    import dash

    saved = dict(dash.page_registry)
    yield
    dash.page_registry.clear()
    dash.page_registry.update(saved)


@pytest.fixture
def probes():
    """Opens recording MQTT clients (tests.mqtt_probe.Probe); closes them after."""
    from tests.mqtt_probe import Probe

    opened: list[Probe] = []

    def open_probe(*args, **kwargs) -> Probe:
        probe = Probe(*args, **kwargs)
        opened.append(probe)
        return probe

    yield open_probe
    for probe in opened:
        probe.close()


@pytest.fixture(autouse=True)
def _rules_judge_reading_by_reading(request, monkeypatch):
    """Tests about other things than the minimum duration (acknowledging, scopes,
    escalation, maps...) raise their alerts from one reading, as every rule did
    before migration 0009 gave the default rule on sensors' own levels 2 minutes:
    rules are loaded with ``min_duration_s`` 0 unless a test is marked ``duration``
    (tests/integration/alerts/test_alert_duration.py, tests/browser/test_glance.py
    and bench/alerts.py judge the duration itself)."""
    if request.node.get_closest_marker("duration"):
        return
    import dataclasses

    from store import alerting

    load = alerting.load_rules

    def instant(conn):  # noqa: ANN001, ANN202
        return [dataclasses.replace(r, min_duration_s=0) for r in load(conn)]

    monkeypatch.setattr(alerting, "load_rules", instant)
