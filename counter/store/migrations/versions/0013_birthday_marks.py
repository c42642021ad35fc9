"""How the work list's birthday greetings were handled (greeted, or again tomorrow).

Revision ID: 0013_birthday_marks
Revises: 0012_care
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_birthday_marks"
down_revision = "0012_care"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "care_birthday_marks",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("operator_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("member_id", "year"),
    )


def downgrade() -> None:
    op.drop_table("care_birthday_marks")
