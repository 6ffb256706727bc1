"""Tables of the store (SQLAlchemy 2.0 typed ORM).

Times are epoch milliseconds UTC in BIGINT columns: bucketing (ts - ts % step) is the
same
integer arithmetic on SQLite and PostgreSQL, rows stay small, and the readings' primary
key
(sensor_id, metric, ts) is the index every time-series query walks.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import JSON


class Base(DeclarativeBase):
    pass


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
