"""Indexes for the manager's figures: each figure reads one index range, never the tables.

A month of a busy store is 200,000 receipts and as many ledger entries; covering indexes
let the figures page sum them without touching a table row (docs/benchmarks.md). Receipts
have two, by time (sums, short periods) and by member (visits per member over a long
period: no sort). The outbox's registrations are found by type.

Revision ID: 0009_figures
Revises: 0008_receipts
"""

from alembic import op

revision = "0009_figures"
down_revision = "0008_receipts"
branch_labels = None
depends_on = None

RECEIPT_SUMS = ["total_fen", "self_paid_fen", "insurance_fen", "reversed_fen"]


def upgrade() -> None:
    op.create_index(
        "ix_receipts_figures_time",
        "receipts",
        ["store_code", "sold_at", "member_id", *RECEIPT_SUMS],
    )
    op.create_index(
        "ix_receipts_figures_member",
        "receipts",
        ["store_code", "member_id", "sold_at", *RECEIPT_SUMS],
    )
    op.create_index(
        "ix_points_entries_figures",
        "points_entries",
        ["store_code", "created_at", "kind", "state", "delta"],
    )
    op.create_index("ix_outbox_type_created", "outbox", ["type", "store_code", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_type_created", table_name="outbox")
    op.drop_index("ix_points_entries_figures", table_name="points_entries")
    op.drop_index("ix_receipts_figures_member", table_name="receipts")
    op.drop_index("ix_receipts_figures_time", table_name="receipts")
