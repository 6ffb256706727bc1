"""Alembic environment: the caller hands over a live connection
(store.migrate.upgrade)."""

from alembic import context

from store.schema import Base

target_metadata = Base.metadata
config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through store.migrate.upgrade(engine)")
context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
