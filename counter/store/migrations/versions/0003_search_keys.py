"""Lookup at the counter: name index, pinyin-initials keys, expiring points, recent visits.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("points_expiring", sa.Text(), nullable=False, server_default="[]")
        )
        batch_op.add_column(
            sa.Column("recent_visits", sa.Text(), nullable=False, server_default="[]")
        )
        batch_op.create_index(batch_op.f("ix_members_name"), ["name"], unique=False)
    op.create_table(
        "member_keys",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key", "member_id"),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("member_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_keys_member_id"), ["member_id"], unique=False)


def downgrade() -> None:
    op.drop_table("member_keys")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_name"))
        batch_op.drop_column("recent_visits")
        batch_op.drop_column("points_expiring")
