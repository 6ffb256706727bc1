"""alert rules gain a minimum duration: a threshold must be crossed for that long
before an alert is raised, and be back inside for as long before it ends

The default rule on sensors' own levels gets 2 minutes (a fresh start on the
simulator raised 75 alerts in 8 minutes, 55 of them gone by themselves after about
30 s); a rule an admin already changed (updated_by other than a migration) keeps 0,
as it behaved before.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

DEFAULT_DURATION_S = {"rule.sensor_thresholds": 120}


def upgrade() -> None:
    with op.batch_alter_table("alert_rules") as batch:
        batch.add_column(
            sa.Column(
                "min_duration_s",
                sa.Integer(),
                nullable=False,
                server_default=sa.text("0"),
            )
        )
    with op.batch_alter_table("alert_rules") as batch:
        batch.alter_column("min_duration_s", server_default=None)
    rules = sa.table(
        "alert_rules",
        sa.column("name", sa.String),
        sa.column("updated_by", sa.String),
        sa.column("min_duration_s", sa.Integer),
    )
    for name, seconds in DEFAULT_DURATION_S.items():
        op.execute(
            rules.update()
            .where(rules.c.name == name, rules.c.updated_by.like("migration %"))
            .values(min_duration_s=seconds)
        )


def downgrade() -> None:
    with op.batch_alter_table("alert_rules") as batch:
        batch.drop_column("min_duration_s")
