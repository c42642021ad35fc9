"""Alembic environment: run by ``counter.store.migrate`` on a connection it hands over."""

from alembic import context

from counter.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite can't ALTER most things; batch mode copies the table
)
with context.begin_transaction():
    context.run_migrations()
