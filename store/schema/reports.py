"""Reports: each run (asked for on the page, by the API or by a schedule), its files
and the schedules of the briefings the scheduler makes."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import JSON

from store.schema.base import Base


class ReportRun(Base):
    """One report being made or made. ``schedule_key`` is unique: the slot of a
    scheduled report ('daily:2026-11-25'), claimed by one insert, so that of several
    processes exactly one makes it; NULL for reports people ask for."""

    __tablename__ = "report_runs"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        primary_key=True,
        autoincrement=True,
    )
    schedule_key: Mapped[str | None] = mapped_column(
        String(64), unique=True, nullable=True
    )
    # 'page', 'api' or 'schedule'
    origin: Mapped[str] = mapped_column(String(16))
    # Who asked: 'user:<id>' or 'api_key:<id>' (names may repeat; ids do not),
    # 'scheduler' for the schedule; requested_by is their name as shown.
    owner: Mapped[str] = mapped_column(String(64), index=True)
    requested_by: Mapped[str] = mapped_column(String(120))
    domains: Mapped[list] = mapped_column(JSON, default=list)
    # Areas the report is narrowed to ([]: the whole province).
    areas: Mapped[list] = mapped_column(JSON, default=list)
    # day, week, month, quarter or custom
    period: Mapped[str] = mapped_column(String(16))
    start_ms: Mapped[int] = mapped_column(BigInteger)
    end_ms: Mapped[int] = mapped_column(BigInteger)
    lang: Mapped[str] = mapped_column(String(8))
    formats: Mapped[list] = mapped_column(JSON, default=list)
    # queued, running, done, failed or cancelled
    state: Mapped[str] = mapped_column(String(16), index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str] = mapped_column(String(300), default="")
    created_ms: Mapped[int] = mapped_column(BigInteger, index=True)
    started_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    finished_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class ReportFile(Base):
    """A made file of a run: its name is the server's (never a user's), its bytes
    are kept in the store so that every web worker serves it."""

    __tablename__ = "report_files"

    run_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        ForeignKey("report_runs.id", ondelete="CASCADE"),
        primary_key=True,
    )
    # pdf, xlsx or csv
    fmt: Mapped[str] = mapped_column(String(8), primary_key=True)
    filename: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class ReportSchedule(Base):
    """A briefing the scheduler makes: 'daily' covers the day before, at hour:minute
    Vietnam time; 'weekly' the week before, on ``weekday`` (0 Monday)."""

    __tablename__ = "report_schedules"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    hour: Mapped[int] = mapped_column(Integer)
    minute: Mapped[int] = mapped_column(Integer, default=0)
    weekday: Mapped[int] = mapped_column(Integer, default=0)
    # [] : every domain of the catalogue
    domains: Mapped[list] = mapped_column(JSON, default=list)
    lang: Mapped[str] = mapped_column(String(8), default="vi")
    formats: Mapped[list] = mapped_column(JSON, default=list)
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_ms: Mapped[int] = mapped_column(BigInteger, default=0)
