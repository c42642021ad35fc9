"""Care plans and their tasks (DESIGN §12), and how refill reminders were handled.

Revision ID: 0012_care
Revises: 0011_tier_spend
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_care"
down_revision = "0011_tier_spend"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "care_plans",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("detail_enc", sa.LargeBinary(), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("ended_reason", sa.String(length=24), nullable=True),
        sa.Column("enrolled_at", sa.String(length=32), nullable=False),
        sa.Column("enrolled_by", sa.String(length=36), nullable=False),
        sa.Column("ended_at", sa.String(length=32), nullable=True),
        sa.Column("op_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_care_plans_member_id", "care_plans", ["member_id"])
    op.create_table(
        "care_tasks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=True),
        sa.Column("note_enc", sa.LargeBinary(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("done_at", sa.String(length=32), nullable=True),
        sa.Column("done_by", sa.String(length=36), nullable=True),
        sa.Column("op_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["care_plans.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_care_tasks_plan_id", "care_tasks", ["plan_id"])
    op.create_index("ix_care_tasks_member_id", "care_tasks", ["member_id"])
    op.create_index("ix_care_tasks_status_due", "care_tasks", ["status", "due_on"])
    op.create_table(
        "care_refill_marks",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("note_enc", sa.LargeBinary(), nullable=True),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("member_id", "due_on"),
    )


def downgrade() -> None:
    op.drop_table("care_refill_marks")
    op.drop_index("ix_care_tasks_status_due", table_name="care_tasks")
    op.drop_index("ix_care_tasks_member_id", table_name="care_tasks")
    op.drop_index("ix_care_tasks_plan_id", table_name="care_tasks")
    op.drop_table("care_tasks")
    op.drop_index("ix_care_plans_member_id", table_name="care_plans")
    op.drop_table("care_plans")
