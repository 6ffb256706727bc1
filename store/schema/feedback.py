"""Citizens' reports (Open311 service requests)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.schema.base import Base


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
    # The ward of the profile nearest the report's coordinates ('' without them).
    area: Mapped[str] = mapped_column(String(64), default="")
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    requested_ms: Mapped[int] = mapped_column(BigInteger)
    updated_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
