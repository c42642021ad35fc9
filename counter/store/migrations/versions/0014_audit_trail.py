"""Indexes for the audit trail viewer (F12, Audit tab): a filtered page, newest first,
reads one index range however long the trail grows (1,000,000 rows: docs/benchmarks.md).

By operator and by action, each with the time; the member's rows are few and use the
member index there is. The acts on personal information (health, reveals, consents,
exports) have a partial index of their own, so "sensitive only" does not scan the
ordinary rows (its condition is ``models.AUDIT_SENSITIVE_SQL``, copied here as it was).

Revision ID: 0014_audit_trail
Revises: 0013_birthday_marks
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_audit_trail"
down_revision = "0013_birthday_marks"
branch_labels = None
depends_on = None

SENSITIVE = (
    "action IN ('health.view', 'health.record', 'member.reveal', 'profile.view', "
    "'consent.grant', 'consent.withdraw') OR action LIKE '%.reveal' OR action LIKE '%.export'"
)


def upgrade() -> None:
    op.create_index("ix_audit_log_operator_at", "audit_log", ["operator_id", "at"])
    op.create_index("ix_audit_log_action_at", "audit_log", ["action", "at"])
    op.create_index(
        "ix_audit_log_sensitive_at", "audit_log", ["at"], sqlite_where=sa.text(SENSITIVE)
    )


def downgrade() -> None:
    op.drop_index("ix_audit_log_sensitive_at", table_name="audit_log")
    op.drop_index("ix_audit_log_action_at", table_name="audit_log")
    op.drop_index("ix_audit_log_operator_at", table_name="audit_log")
