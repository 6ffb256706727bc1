"""Tables of the store (SQLAlchemy 2.0 typed ORM).

Times are epoch milliseconds UTC in BIGINT columns: bucketing (ts - ts % step) is the
same integer arithmetic on SQLite and PostgreSQL, rows stay small, and the readings'
primary key (sensor_id, metric, ts) is the index every time-series query walks.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Float,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import JSON


class Base(DeclarativeBase):
    pass


# What an alert may be about (store.subjects names and labels them); the CHECK
# constraint of alerts.subject_kind holds the same list (migration 0006).
ALERT_SUBJECT_KINDS = (
    "sensor",
    "camera",
    "document",
    "directive",
    "citizen_report",
    "feed",
    "security_event",
)
SUBJECT_KIND_CHECK = "subject_kind IN ({})".format(
    ", ".join(f"'{k}'" for k in ALERT_SUBJECT_KINDS)
)


class Sensor(Base):
    __tablename__ = "sensors"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    area: Mapped[str] = mapped_column(String(64), index=True)
    region: Mapped[str] = mapped_column(String(64), default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32), default="")
    metrics: Mapped[list] = mapped_column(JSON, default=list)
    period_s: Mapped[float] = mapped_column(Float, default=60.0)
    thresholds: Mapped[dict] = mapped_column(JSON, default=dict)
    synthetic: Mapped[bool] = mapped_column(default=False)
    last_seen_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class Reading(Base):
    __tablename__ = "readings"
    __table_args__ = {"sqlite_with_rowid": False}

    sensor_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    ts: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    value: Mapped[float] = mapped_column(Float)


class _RollupColumns:
    sensor_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    bucket: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    sum: Mapped[float] = mapped_column(Float)
    min: Mapped[float] = mapped_column(Float)
    max: Mapped[float] = mapped_column(Float)


class Rollup1m(_RollupColumns, Base):
    """Per sensor, metric and minute: count, sum, min, max (mean = sum / count)."""

    __tablename__ = "rollup_1m"
    __table_args__ = {"sqlite_with_rowid": False}


class Rollup1h(_RollupColumns, Base):
    """Per sensor, metric and hour: count, sum, min, max (mean = sum / count)."""

    __tablename__ = "rollup_1h"
    __table_args__ = {"sqlite_with_rowid": False}


class LatestValue(Base):
    """Newest reading per sensor and metric, so live panels never scan readings."""

    __tablename__ = "latest_values"

    sensor_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    ts: Mapped[int] = mapped_column(BigInteger)
    value: Mapped[float] = mapped_column(Float)


class SourceHealth(Base):
    __tablename__ = "source_health"

    source: Mapped[str] = mapped_column(String(128), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[str] = mapped_column(String(16), default="unknown")
    last_ok_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    last_error_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    error_text: Mapped[str] = mapped_column(Text, default="")
    ok_count: Mapped[int] = mapped_column(BigInteger, default=0)
    error_count: Mapped[int] = mapped_column(BigInteger, default=0)
    consecutive_errors: Mapped[int] = mapped_column(Integer, default=0)
    last_duration_ms: Mapped[float | None] = mapped_column(Float, nullable=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class DeadLetter(Base):
    __tablename__ = "dead_letters"
    __table_args__ = (Index("ix_dead_letters_ts", "ts"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        primary_key=True,
        autoincrement=True,
    )
    source: Mapped[str] = mapped_column(String(300))
    payload: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    ts: Mapped[int] = mapped_column(BigInteger)


class DeadLetterMinute(Base):
    """Rejected messages per channel (the ingest, a poller) and minute: how many were
    kept as dead letters and how many only counted, past the per-minute cap."""

    __tablename__ = "dead_letter_minutes"

    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    minute_ms: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kept: Mapped[int] = mapped_column(Integer, default=0)
    dropped: Mapped[int] = mapped_column(Integer, default=0)


class ReadingCorrection(Base):
    """A reading re-sent with another value for the same (sensor, metric, ts): the
    device's correction replaced the stored value; this keeps what it was."""

    __tablename__ = "reading_corrections"
    __table_args__ = (Index("ix_reading_corrections_at", "corrected_ms"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        primary_key=True,
        autoincrement=True,
    )
    sensor_id: Mapped[str] = mapped_column(String(128))
    metric: Mapped[str] = mapped_column(String(32))
    ts: Mapped[int] = mapped_column(BigInteger)
    old_value: Mapped[float] = mapped_column(Float)
    new_value: Mapped[float] = mapped_column(Float)
    corrected_ms: Mapped[int] = mapped_column(BigInteger)


class PressItem(Base):
    """An item of monitored press / social media, read from RSS feeds."""

    __tablename__ = "press_items"
    __table_args__ = (Index("ix_press_items_published", "published_ms"),)

    guid: Mapped[str] = mapped_column(String(500), primary_key=True)
    source: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(1000))
    link: Mapped[str] = mapped_column(String(2000), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(200), default="")
    published_ms: Mapped[int] = mapped_column(BigInteger)
    fetched_ms: Mapped[int] = mapped_column(BigInteger)


class Lease(Base):
    """A named lease: who may run the scheduler when several processes could."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_ms: Mapped[int] = mapped_column(BigInteger)


class CitizenReport(Base):
    """A citizen's report (phản ánh kiến nghị) read from an Open311 GeoReport v2
    system."""

    __tablename__ = "citizen_reports"
    __table_args__ = (Index("ix_citizen_reports_requested", "requested_ms"),)

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    source: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16))
    service_code: Mapped[str] = mapped_column(String(100), default="")
    service_name: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    agency: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    requested_ms: Mapped[int] = mapped_column(BigInteger)
    updated_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class AlertRule(Base):
    """A rule that raises alerts, editable by an admin.

    kind 'threshold': ``metric`` compared with ``threshold`` by ``op`` ('>=' or '<=');
    with ``threshold`` NULL the rule uses each sensor's own warn/alarm thresholds (warn
    raises a warning, alarm a critical alert). kind 'rate': the change of ``metric``
    over ``window_s`` seconds compared with ``threshold`` (its sign given by ``op``).
    kind 'stale': the sensor has sent nothing for 3 x its period. ``sensor_kind`` and
    ``sensor_id`` narrow the sensors a rule watches (NULL: all).
    """

    __tablename__ = "alert_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    # NULL: the domain of the sensor's kind (the kind's domain in the province profile).
    domain: Mapped[str | None] = mapped_column(String(32), nullable=True)
    sensor_kind: Mapped[str | None] = mapped_column(String(32), nullable=True)
    sensor_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    metric: Mapped[str | None] = mapped_column(String(32), nullable=True)
    op: Mapped[str] = mapped_column(String(2), default=">=")
    threshold: Mapped[float | None] = mapped_column(Float, nullable=True)
    window_s: Mapped[int] = mapped_column(Integer, default=900)
    # Hysteresis: an episode ends only when the value is this far back inside.
    clear_margin: Mapped[float] = mapped_column(Float, default=0.0)
    severity: Mapped[str] = mapped_column(String(16), default="warning")
    escalate_after_s: Mapped[int] = mapped_column(Integer, default=900)
    enabled: Mapped[bool] = mapped_column(default=True)
    updated_by: Mapped[str] = mapped_column(String(100), default="")
    updated_ms: Mapped[int] = mapped_column(BigInteger, default=0)


class Alert(Base):
    """One episode of one rule on one subject (a sensor, a camera, a document...; see
    store.subjects) and metric: raised once, updated while it lasts, acknowledged by
    a person, resolved when the condition clears. The partial unique index lets only
    one open episode exist per (rule, subject, metric), so two evaluators racing
    cannot raise it twice. ``metric`` is '' for subjects without metrics."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index(
            "ux_alerts_open_episode",
            "rule_id",
            "subject_kind",
            "subject_id",
            "metric",
            unique=True,
            sqlite_where=text("resolved_ms IS NULL"),
            postgresql_where=text("resolved_ms IS NULL"),
        ),
        Index("ix_alerts_raised", "raised_ms"),
        CheckConstraint(SUBJECT_KIND_CHECK, name="ck_alerts_subject_kind"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        primary_key=True,
        autoincrement=True,
    )
    rule_id: Mapped[int] = mapped_column(Integer)
    # One of store.subjects.SUBJECT_KINDS, and the subject's id in its own table.
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[str] = mapped_column(String(200))
    metric: Mapped[str] = mapped_column(String(32), default="")
    domain: Mapped[str] = mapped_column(String(32), default="")
    area: Mapped[str] = mapped_column(String(64), default="")
    severity: Mapped[str] = mapped_column(String(16))
    raised_ms: Mapped[int] = mapped_column(BigInteger)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    limit: Mapped[float | None] = mapped_column(Float, nullable=True)
    peak: Mapped[float | None] = mapped_column(Float, nullable=True)
    last_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    last_ms: Mapped[int] = mapped_column(BigInteger)
    acked_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    acked_by: Mapped[str] = mapped_column(String(100), default="")
    ack_note: Mapped[str] = mapped_column(String(1000), default="")
    escalated_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    resolved_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class User(Base):
    """A person who signs in. ``roles`` is a list of security.policy.ROLES; ``domains``
    narrows what a staff member reads (empty: none)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[list] = mapped_column(JSON, default=list)
    domains: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    created_ms: Mapped[int] = mapped_column(BigInteger)
    updated_ms: Mapped[int] = mapped_column(BigInteger)
    last_login_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class WebSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is kept,
    so a copy of the database cannot be replayed as a cookie."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    created_ms: Mapped[int] = mapped_column(BigInteger)
    # Any request (live panels polling included) / a person's own action.
    last_seen_ms: Mapped[int] = mapped_column(BigInteger)
    last_active_ms: Mapped[int] = mapped_column(BigInteger)
    expires_ms: Mapped[int] = mapped_column(BigInteger)
    csrf: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    ended_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class ApiKey(Base):
    """A key for the REST API, issued and revoked by an admin; only its SHA-256 is kept
    (keys are 256-bit random, so a fast hash is enough)."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    roles: Mapped[list] = mapped_column(JSON, default=list)
    domains: Mapped[list] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(64))
    created_ms: Mapped[int] = mapped_column(BigInteger)
    revoked_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    last_used_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class LoginAttempt(Base):
    """Every sign-in attempt, for the rate limit (kept in the store so that every web
    worker counts the same attempts)."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_user", "username", "at_ms"),
        Index("ix_login_attempts_ip", "ip", "at_ms"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        primary_key=True,
        autoincrement=True,
    )
    at_ms: Mapped[int] = mapped_column(BigInteger)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    ok: Mapped[bool] = mapped_column(default=False)


class AuditEntry(Base):
    """Who did what, when and from where. Append-only: triggers in migration 0004
    refuse UPDATE and DELETE on both SQLite and PostgreSQL."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        primary_key=True,
        autoincrement=True,
    )
    at_ms: Mapped[int] = mapped_column(BigInteger, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    # 'user', 'api_key' or 'system'
    actor_kind: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    # 'ok' or 'refused'
    outcome: Mapped[str] = mapped_column(String(16), default="ok")
