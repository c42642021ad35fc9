"""The member's 12-month self-paid spend as HQ last sent it, for the progress to the next
tier ("再消费 ¥320 升金卡"; HQ decides the tier from it, docs/points.md).

Revision ID: 0011_tier_spend
Revises: 0010_outreach
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_tier_spend"
down_revision = "0010_outreach"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("tier_spend_fen", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("tier_spend_fen")
