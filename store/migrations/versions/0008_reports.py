"""reports: runs (asked for or scheduled, one per schedule slot), their files, and
the schedules of the daily and weekly briefings

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-17
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# The briefings the province asks for: yesterday's at 07:00, last week's on Monday
# at 07:30, of every domain (an empty list: all of catalogue.DOMAINS).


def upgrade() -> None:
    op.create_table(
        "report_runs",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("schedule_key", sa.String(length=64), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("requested_by", sa.String(length=120), nullable=False),
        sa.Column("domains", sa.JSON(), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("start_ms", sa.BigInteger(), nullable=False),
        sa.Column("end_ms", sa.BigInteger(), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("formats", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("error", sa.String(length=300), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("started_ms", sa.BigInteger(), nullable=True),
        sa.Column("finished_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("schedule_key"),
    )
    op.create_index("ix_report_runs_owner", "report_runs", ["owner"])
    op.create_index("ix_report_runs_state", "report_runs", ["state"])
    op.create_index("ix_report_runs_created_ms", "report_runs", ["created_ms"])
    op.create_table(
        "report_files",
        sa.Column("run_id", _ID, nullable=False),
        sa.Column("fmt", sa.String(length=8), nullable=False),
        sa.Column("filename", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["report_runs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "fmt"),
    )
    schedules = op.create_table(
        "report_schedules",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("minute", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("domains", sa.JSON(), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("formats", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    common = {
        "enabled": True,
        "domains": [],
        "lang": "vi",
        "formats": ["pdf", "xlsx"],
        "updated_by": "",
        "updated_ms": 0,
    }
    op.bulk_insert(
        schedules,
        [
            {"key": "daily", "hour": 7, "minute": 0, "weekday": 0, **common},
            {"key": "weekly", "hour": 7, "minute": 30, "weekday": 0, **common},
        ],
    )


def downgrade() -> None:
    op.drop_table("report_schedules")
    op.drop_table("report_files")
    op.drop_index("ix_report_runs_created_ms", table_name="report_runs")
    op.drop_index("ix_report_runs_state", table_name="report_runs")
    op.drop_index("ix_report_runs_owner", table_name="report_runs")
    op.drop_table("report_runs")
