"""alerts about any subject: (subject_kind, subject_id) instead of sensor_id

Existing alerts become subject_kind 'sensor' with their sensor as subject_id; the
open-episode index moves to (rule, subject_kind, subject_id, metric). sensor_id goes:
the subject says it, and two columns saying the same thing would drift.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-09
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# The list as it was written (store.schema.ALERT_SUBJECT_KINDS may grow later, with
# its own migration of the constraint).
KINDS = (
    "sensor",
    "camera",
    "document",
    "directive",
    "citizen_report",
    "feed",
    "security_event",
)
CHECK = "subject_kind IN ({})".format(", ".join(f"'{k}'" for k in KINDS))
OPEN = sa.text("resolved_ms IS NULL")


def upgrade() -> None:
    # The partial index first, outside the batch: SQLite's table copy would have to
    # reflect its WHERE clause.
    op.drop_index("ux_alerts_open_episode", table_name="alerts")
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(
            sa.Column(
                "subject_kind",
                sa.String(length=16),
                nullable=False,
                server_default="sensor",
            )
        )
        batch.add_column(
            sa.Column(
                "subject_id", sa.String(length=200), nullable=False, server_default=""
            )
        )
    op.execute(
        sa.text("UPDATE alerts SET subject_kind = 'sensor', subject_id = sensor_id")
    )
    with op.batch_alter_table("alerts") as batch:
        batch.alter_column("subject_kind", server_default=None)
        batch.alter_column("subject_id", server_default=None)
        batch.drop_column("sensor_id")
        batch.create_check_constraint("ck_alerts_subject_kind", sa.text(CHECK))
    op.create_index(
        "ux_alerts_open_episode",
        "alerts",
        ["rule_id", "subject_kind", "subject_id", "metric"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def downgrade() -> None:
    # Alerts about anything but a sensor have no place in the old table: they go.
    op.drop_index("ux_alerts_open_episode", table_name="alerts")
    op.execute(sa.text("DELETE FROM alerts WHERE subject_kind <> 'sensor'"))
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(
            sa.Column(
                "sensor_id", sa.String(length=128), nullable=False, server_default=""
            )
        )
    op.execute(sa.text("UPDATE alerts SET sensor_id = subject_id"))
    with op.batch_alter_table("alerts") as batch:
        batch.alter_column("sensor_id", server_default=None)
        batch.drop_constraint("ck_alerts_subject_kind", type_="check")
        batch.drop_column("subject_id")
        batch.drop_column("subject_kind")
    op.create_index(
        "ux_alerts_open_episode",
        "alerts",
        ["rule_id", "sensor_id", "metric"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
