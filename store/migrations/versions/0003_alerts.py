"""alert rules and alerts, with the default rules

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Rule names are translation keys (i18n.T) so that both languages show them; a rule an
# admin adds later carries the text the admin typed.
DEFAULT_RULES = [
    {
        "name": "rule.sensor_thresholds",
        "kind": "threshold",
        "op": ">=",
        "threshold": None,
        "severity": "warning",
        "escalate_after_s": 900,
    },
    {
        "name": "rule.no_data",
        "kind": "stale",
        "op": ">=",
        "threshold": None,
        "severity": "warning",
        "escalate_after_s": 3600,
    },
    {
        "name": "rule.river_rising",
        "kind": "rate",
        "sensor_kind": "water",
        "metric": "water_level",
        "op": ">=",
        "threshold": 0.5,
        "window_s": 3600,
        "severity": "critical",
        "escalate_after_s": 600,
    },
]


def upgrade() -> None:
    rules = op.create_table(
        "alert_rules",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("domain", sa.String(length=32), nullable=True),
        sa.Column("sensor_kind", sa.String(length=32), nullable=True),
        sa.Column("sensor_id", sa.String(length=128), nullable=True),
        sa.Column("metric", sa.String(length=32), nullable=True),
        sa.Column("op", sa.String(length=2), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("window_s", sa.Integer(), nullable=False),
        sa.Column("clear_margin", sa.Float(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("escalate_after_s", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "alerts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("sensor_id", sa.String(length=128), nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("domain", sa.String(length=32), nullable=False),
        sa.Column("area", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("raised_ms", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("limit", sa.Float(), nullable=True),
        sa.Column("peak", sa.Float(), nullable=True),
        sa.Column("last_value", sa.Float(), nullable=True),
        sa.Column("last_ms", sa.BigInteger(), nullable=False),
        sa.Column("acked_ms", sa.BigInteger(), nullable=True),
        sa.Column("acked_by", sa.String(length=100), nullable=False),
        sa.Column("ack_note", sa.String(length=1000), nullable=False),
        sa.Column("escalated_ms", sa.BigInteger(), nullable=True),
        sa.Column("resolved_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_alerts_raised", "alerts", ["raised_ms"])
    op.create_index(
        "ux_alerts_open_episode",
        "alerts",
        ["rule_id", "sensor_id", "metric"],
        unique=True,
        sqlite_where=sa.text("resolved_ms IS NULL"),
        postgresql_where=sa.text("resolved_ms IS NULL"),
    )
    defaults = {
        "domain": None,
        "sensor_kind": None,
        "sensor_id": None,
        "metric": None,
        "window_s": 900,
        "clear_margin": 0.0,
        "enabled": True,
        "updated_by": "migration 0003",
        "updated_ms": 0,
    }
    op.bulk_insert(rules, [{**defaults, **r} for r in DEFAULT_RULES])


def downgrade() -> None:
    op.drop_index("ux_alerts_open_episode", table_name="alerts")
    op.drop_index("ix_alerts_raised", table_name="alerts")
    op.drop_table("alerts")
    op.drop_table("alert_rules")
