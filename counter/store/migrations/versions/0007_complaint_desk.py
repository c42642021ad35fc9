"""The complaints desk: the number the customer quotes, how the follow-up visit went, and
a mark for complaints HQ changed since the counter last looked.

Revision ID: 0007_complaint_desk
Revises: 0006_pin_lockout
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_complaint_desk"
down_revision = "0006_pin_lockout"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("number", sa.String(length=40), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("followup_method", sa.String(length=16), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("followup_reached", sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column("changed_at_hq", sa.Boolean(), nullable=False, server_default="0")
        )
        batch_op.create_index("ix_complaints_number", ["number"])


def downgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_number")
        batch_op.drop_column("changed_at_hq")
        batch_op.drop_column("followup_reached")
        batch_op.drop_column("followup_method")
        batch_op.drop_column("number")
