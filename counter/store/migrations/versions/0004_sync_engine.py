"""Sync engine: superseded operations, offline redemptions, receipt lookups.

Also drops the indexes on members.name_pinyin and members.name_initials: no query uses
them (initials searches go through member_keys), and a first sync of a million members
spent seconds building them.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain DROP INDEX (no table copy: a store's cache may hold a million members).
    op.drop_index("ix_members_name_initials", table_name="members")
    op.drop_index("ix_members_name_pinyin", table_name="members")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("superseded_by", sa.String(length=36), nullable=True))
    with op.batch_alter_table("points_entries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("offline", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(
            batch_op.f("ix_points_entries_receipt_no"), ["receipt_no"], unique=False
        )
    with op.batch_alter_table("sync_problems", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_problems_resolved_at"), ["resolved_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sync_problems", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_problems_resolved_at"))
    with op.batch_alter_table("points_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_points_entries_receipt_no"))
        batch_op.drop_column("offline")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("superseded_by")
    op.create_index("ix_members_name_pinyin", "members", ["name_pinyin"], unique=False)
    op.create_index("ix_members_name_initials", "members", ["name_initials"], unique=False)
