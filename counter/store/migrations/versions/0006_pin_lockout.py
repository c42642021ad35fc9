"""Operators: PIN hashes keyed with a secret outside the cache, and the PIN lockout.

``pin_scheme`` 1 is the old plain scrypt hash (moved to 2, keyed, at the operator's next
successful sign-in); ``failed_pins`` counts wrong PINs in a row and ``locked_until`` ends
the lockout, both kept here so a restart does not reset them.

Revision ID: 0006_pin_lockout
Revises: 0005_pc_time
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_pin_lockout"
down_revision = "0005_pc_time"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("operators", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pin_scheme", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.add_column(
            sa.Column("failed_pins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("locked_until", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("operators", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_pins")
        batch_op.drop_column("pin_scheme")
