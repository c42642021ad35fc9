"""Receipts that earned at this counter, with their amounts (figures, refunds, last seen).

Revision ID: 0008_receipts
Revises: 0007_complaint_desk
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_receipts"
down_revision = "0007_complaint_desk"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "receipts",
        sa.Column("receipt_no", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("store_code", sa.String(length=32), nullable=False),
        sa.Column("sold_at", sa.String(length=32), nullable=False),
        sa.Column("total_fen", sa.Integer(), nullable=False),
        sa.Column("insurance_fen", sa.Integer(), nullable=False),
        sa.Column("excluded_fen", sa.Integer(), nullable=False),
        sa.Column("self_paid_fen", sa.Integer(), nullable=False),
        sa.Column("eligible_fen", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("reversed_fen", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("reversed_points", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("receipt_no"),
    )
    op.create_index("ix_receipts_member_id", "receipts", ["member_id"])
    op.create_index("ix_receipts_sold_at", "receipts", ["sold_at"])


def downgrade() -> None:
    op.drop_index("ix_receipts_sold_at", table_name="receipts")
    op.drop_index("ix_receipts_member_id", table_name="receipts")
    op.drop_table("receipts")
