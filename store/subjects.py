"""What an alert is about: its subject (a kind and an id) and how to name it.

The kinds are a closed set (store.schema, whose CHECK constraint on
``alerts.subject_kind`` holds the same list). A labeller per kind reads the display
names of many subjects at once, in Vietnamese and English, so the toast, the alerts
page and the API describe any subject the same way. Sensors are the first; the
others get theirs with their judge.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from sqlalchemy import select
from sqlalchemy.engine import Connection

from store.schema import ALERT_SUBJECT_KINDS, Sensor

SENSOR = "sensor"
SUBJECT_KINDS = ALERT_SUBJECT_KINDS

# kind -> (connection, ids) -> {id: (name_vi, name_en)}; ids without a name are left
# out and shown by their id.
Labeller = Callable[[Connection, Collection[str]], dict[str, tuple[str, str]]]


def check_kind(kind: str) -> str:
    if kind not in SUBJECT_KINDS:
        raise ValueError(f"unknown alert subject kind {kind!r}")
    return kind


def _sensor_names(conn: Connection, ids: Collection[str]) -> dict[str, tuple[str, str]]:
    s = Sensor.__table__.c
    out: dict[str, tuple[str, str]] = {}
    ids = sorted(ids)
    for i in range(0, len(ids), 500):
        rows = conn.execute(
            select(s.id, s.name, s.name_en).where(s.id.in_(ids[i : i + 500]))
        )
        out.update({r.id: (r.name or "", r.name_en or "") for r in rows})
    return out


LABELLERS: dict[str, Labeller] = {SENSOR: _sensor_names}


def names_of(
    conn: Connection, subjects: Collection[tuple[str, str]]
) -> dict[tuple[str, str], tuple[str, str]]:
    """Display names of (kind, id) pairs from each kind's labeller."""
    by_kind: dict[str, set[str]] = {}
    for kind, sid in subjects:
        by_kind.setdefault(kind, set()).add(sid)
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for kind, ids in by_kind.items():
        labeller = LABELLERS.get(kind)
        if labeller is not None:
            out.update({(kind, i): n for i, n in labeller(conn, ids).items()})
    return out


def display_name(row: Mapping, lang: str) -> str:
    """The subject of an alert row (store.alerting.alerts) in ``lang``: its name in
    that language, else its id."""
    name = row.get("subject_name" if lang == "vi" else "subject_name_en")
    return name or str(row.get("subject_id") or "")
