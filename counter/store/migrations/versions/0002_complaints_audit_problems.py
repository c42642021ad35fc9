"""Complaints and their notes, the audit log, sync problems.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("store_code", sa.String(length=32), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=True),
        sa.Column("customer_name", sa.String(length=64), nullable=False),
        sa.Column("customer_phone", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("severity", sa.String(length=12), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("wants", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("due_at", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("followup_at", sa.String(length=32), nullable=True),
        sa.Column("followup_note", sa.Text(), nullable=False),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("hq_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaints_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaints_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaints_status"), ["status"], unique=False)
    op.create_table(
        "complaint_notes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("complaint_id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("new_status", sa.String(length=12), nullable=True),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("complaint_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaint_notes_complaint_id"), ["complaint_id"], unique=False
        )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_member_id"), ["member_id"], unique=False)
    op.create_table(
        "sync_problems",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("op_id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=48), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("resolved_at", sa.String(length=32), nullable=True),
        sa.Column("resolved_by", sa.String(length=36), nullable=True),
        sa.Column("resolution", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["op_id"],
            ["outbox.op_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sync_problems", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_problems_op_id"), ["op_id"], unique=False)


def downgrade() -> None:
    op.drop_table("sync_problems")
    op.drop_table("audit_log")
    op.drop_table("complaint_notes")
    op.drop_table("complaints")
