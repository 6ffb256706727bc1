"""Readings: sensors, their raw readings, rollups, latest values and corrections."""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import JSON

from store.schema.base import Base


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
