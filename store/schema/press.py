"""Press and social-media items read from feeds."""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.schema.base import Base


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
