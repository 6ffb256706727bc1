"""Alert rules and alerts about any subject."""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Float, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from store.schema.base import Base

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
    # A threshold must be crossed for this long before an alert is raised, and be
    # back inside for as long before it ends (0: judged on the newest reading).
    min_duration_s: Mapped[int] = mapped_column(Integer, default=0)
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
