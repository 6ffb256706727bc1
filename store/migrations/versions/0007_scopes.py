"""scopes beyond domains: departments and areas on users and API keys; citizens'
reports name their area

Existing users and keys get empty lists (not narrowed), so they read what they read
before; existing reports get no area ('').

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-16
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("users", "api_keys")
COLUMNS = ("departments", "areas")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            for col in COLUMNS:
                batch.add_column(
                    sa.Column(
                        col, sa.JSON(), nullable=False, server_default=sa.text("'[]'")
                    )
                )
        # Rows are filled; later rows get their lists from the application.
        with op.batch_alter_table(table) as batch:
            for col in COLUMNS:
                batch.alter_column(col, server_default=None)
    with op.batch_alter_table("citizen_reports") as batch:
        batch.add_column(
            sa.Column("area", sa.String(length=64), nullable=False, server_default="")
        )
    with op.batch_alter_table("citizen_reports") as batch:
        batch.alter_column("area", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("citizen_reports") as batch:
        batch.drop_column("area")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            for col in reversed(COLUMNS):
                batch.drop_column(col)
