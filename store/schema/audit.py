"""The audit trail (append-only: triggers refuse UPDATE and DELETE)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import JSON

from store.schema.base import Base


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
