"""dead letters counted per channel and minute; corrections of readings

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "dead_letter_minutes",
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("minute_ms", sa.BigInteger(), nullable=False),
        sa.Column("kept", sa.Integer(), nullable=False),
        sa.Column("dropped", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("channel", "minute_ms"),
    )
    op.create_table(
        "reading_corrections",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("sensor_id", sa.String(length=128), nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.Column("old_value", sa.Float(), nullable=False),
        sa.Column("new_value", sa.Float(), nullable=False),
        sa.Column("corrected_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_reading_corrections_at", "reading_corrections", ["corrected_ms"]
    )


def downgrade() -> None:
    op.drop_index("ix_reading_corrections_at", table_name="reading_corrections")
    op.drop_table("reading_corrections")
    op.drop_table("dead_letter_minutes")
