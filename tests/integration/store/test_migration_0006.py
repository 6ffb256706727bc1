"""Migration 0006 on both databases: existing sensor alerts become alerts about the
subject 'sensor' (open episodes stay unique), and the downgrade puts them back."""

from __future__ import annotations

import uuid

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from store import migrate
from store.db import make_engine
from tests.conftest import PG_URL, _unavailable

T0 = 1_795_590_000_000


@pytest.fixture(params=["sqlite", "postgres"])
def bare(request, tmp_path):
    """An empty database of each kind, not yet migrated."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
        yield engine
        engine.dispose()
        return
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"ioc_mig_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to reach PostgreSQL
        admin.dispose()
        _unavailable("PostgreSQL", exc)
    engine = make_engine(admin.url.set(database=name).render_as_string(False))
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _to(engine, revision: str, down: bool = False) -> None:
    with engine.begin() as conn:
        cfg = migrate.alembic_config(engine)
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def _insert_old_alert(conn, sensor: str, resolved: int | None) -> None:
    conn.execute(
        text(
            "INSERT INTO alerts (rule_id, sensor_id, metric, domain, area, severity,"
            " raised_ms, last_ms, acked_by, ack_note, resolved_ms) VALUES (1, :s,"
            " 'pm25', 'environment', 'kinh-bac', 'critical', :t, :t, '', '', :r)"
        ),
        {"s": sensor, "t": T0, "r": resolved},
    )


def test_sensor_alerts_become_sensor_subjects_and_back(bare):
    _to(bare, "0005")
    with bare.begin() as conn:
        _insert_old_alert(conn, "aq-1", None)
        _insert_old_alert(conn, "aq-1", T0 + 1)  # an older, resolved episode
        _insert_old_alert(conn, "aq-2", None)
    _to(bare, "0006")
    cols = {c["name"] for c in inspect(bare).get_columns("alerts")}
    assert {"subject_kind", "subject_id"} <= cols and "sensor_id" not in cols
    with bare.connect() as conn:
        rows = conn.execute(
            text("SELECT subject_kind, subject_id FROM alerts ORDER BY id")
        ).all()
    assert [tuple(r) for r in rows] == [
        ("sensor", "aq-1"),
        ("sensor", "aq-1"),
        ("sensor", "aq-2"),
    ]
    # The open episode of (rule 1, sensor aq-1, pm25) is still the only one.
    with pytest.raises(Exception, match="(?i)unique"), bare.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO alerts (rule_id, subject_kind, subject_id, metric, domain,"
                " area, severity, raised_ms, last_ms, acked_by, ack_note) VALUES"
                " (1, 'sensor', 'aq-1', 'pm25', '', '', 'warning', 1, 1, '', '')"
            )
        )
    _to(bare, "0005", down=True)
    with bare.connect() as conn:
        back = conn.execute(text("SELECT sensor_id FROM alerts ORDER BY id")).all()
    assert [r[0] for r in back] == ["aq-1", "aq-1", "aq-2"]
    _to(bare, "head")
