"""What the ingest and the pollers record of their sources: health, dead letters,
the scheduler's lease."""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import JSON

from store.schema.base import Base


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


class Lease(Base):
    """A named lease: who may run the scheduler when several processes could."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_ms: Mapped[int] = mapped_column(BigInteger)
