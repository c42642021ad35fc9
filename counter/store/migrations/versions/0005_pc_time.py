"""Outbox: the PC's own clock beside each operation's (corrected) created_at.

``created_at`` is the counter's time, the PC's clock corrected by the skew measured
against HQ; ``pc_created_at`` keeps what the PC's clock said, for the record. Older rows
have none.

Revision ID: 0005_pc_time
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_pc_time"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: SQLite adds a nullable column without copying the table.
    op.add_column("outbox", sa.Column("pc_created_at", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("pc_created_at")
