"""Outreach lists: ``outreach_members``, one narrow row per member who may be contacted for
marketing (their latest marketing consent recorded here is a grant, and they are active),
with what the lists filter and sort by; kept up to date by triggers in the transaction of
every write that changes it, whichever code path writes (consents, the sync's member rows,
erasure, the ledger, registrations).

A list over a million cached members is then a range over a small indexed table instead of
a look-up into ``members`` per consented member (DESIGN §12; ``counter bench outreach``).
``district`` is NULL when the address changed: the service reads it from the address
(``counter.privacy.district``, Python) before it builds a list.

Revision ID: 0010_outreach
Revises: 0009_figures
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_outreach"
down_revision = "0009_figures"
branch_labels = None
depends_on = None

# Times as their first 26 characters (YYYY-MM-DDTHH:MM:SS.ffffff, UTC): the cache writes
# "+00:00" after them and HQ's visits "Z".
_HQ_SEEN = (
    "CASE WHEN json_valid({m}.recent_visits) "
    "THEN substr(json_extract({m}.recent_visits, '$[0].at'), 1, 26) END"
)

# The member's row anew, or none: run after any change to their marketing consents.
_RECOMPUTE = """
DELETE FROM outreach_members WHERE member_id = {mid};
INSERT INTO outreach_members (member_id, member_no, tier, birth_md, district, joined,
                              granted_at, seen_here, hq_seen, last_seen)
SELECT m.id, m.member_no, m.tier, substr(m.birthday, 6, 5), NULL,
  (SELECT substr(min(o.created_at), 1, 26) FROM outbox o
    WHERE o.member_id = m.id AND o.type = 'member.register'
      AND o.state IN ('pending', 'applied')),
  c.at, p.at, {hq_seen},
  max(c.at, coalesce(p.at, ''), coalesce({hq_seen}, ''))
FROM members m
JOIN (SELECT substr(recorded_at, 1, 26) AS at, granted FROM consents
      WHERE member_id = {mid} AND purpose = 'marketing'
      ORDER BY recorded_at DESC, id DESC LIMIT 1) AS c ON c.granted = 1
LEFT JOIN (SELECT substr(max(created_at), 1, 26) AS at FROM points_entries
           WHERE member_id = {mid}) AS p
WHERE m.id = {mid} AND m.status = 'active';
"""

TRIGGERS = {
    "outreach_consent_added": f"""
CREATE TRIGGER outreach_consent_added AFTER INSERT ON consents
WHEN NEW.purpose = 'marketing'
BEGIN {_RECOMPUTE.format(mid="NEW.member_id", hq_seen=_HQ_SEEN.format(m="m"))} END""",
    "outreach_consent_removed": f"""
CREATE TRIGGER outreach_consent_removed AFTER DELETE ON consents
WHEN OLD.purpose = 'marketing'
BEGIN {_RECOMPUTE.format(mid="OLD.member_id", hq_seen=_HQ_SEEN.format(m="m"))} END""",
    "outreach_member_changed": f"""
CREATE TRIGGER outreach_member_changed
AFTER UPDATE OF member_no, tier, birthday, address, status, recent_visits ON members
WHEN EXISTS (SELECT 1 FROM outreach_members WHERE member_id = NEW.id)
BEGIN
  DELETE FROM outreach_members WHERE member_id = NEW.id AND NEW.status != 'active';
  UPDATE outreach_members SET
    member_no = NEW.member_no, tier = NEW.tier, birth_md = substr(NEW.birthday, 6, 5),
    district = CASE WHEN OLD.address IS NEW.address THEN district END,
    hq_seen = {_HQ_SEEN.format(m="NEW")},
    last_seen = max(granted_at, coalesce(seen_here, ''),
                    coalesce({_HQ_SEEN.format(m="NEW")}, ''))
  WHERE member_id = NEW.id;
END""",
    "outreach_seen_here": """
CREATE TRIGGER outreach_seen_here AFTER INSERT ON points_entries
WHEN EXISTS (SELECT 1 FROM outreach_members WHERE member_id = NEW.member_id)
BEGIN
  UPDATE outreach_members SET
    seen_here = max(coalesce(seen_here, ''), substr(NEW.created_at, 1, 26)),
    last_seen = max(last_seen, substr(NEW.created_at, 1, 26))
  WHERE member_id = NEW.member_id;
END""",
    "outreach_registered": """
CREATE TRIGGER outreach_registered AFTER INSERT ON outbox
WHEN NEW.type = 'member.register' AND NEW.member_id IS NOT NULL
BEGIN
  UPDATE outreach_members SET joined = substr(NEW.created_at, 1, 26)
  WHERE member_id = NEW.member_id AND joined IS NULL;
END""",
}

INDEXES = {
    "ix_outreach_members_member_no": ["member_no"],
    "ix_outreach_members_tier": ["tier"],
    "ix_outreach_members_birth_md": ["birth_md"],
    "ix_outreach_members_district": ["district"],
    "ix_outreach_members_joined": ["joined"],
    "ix_outreach_members_last_seen": ["last_seen"],
}


def upgrade() -> None:
    op.create_table(
        "outreach_members",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("member_no", sa.String(length=20), nullable=True),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("birth_md", sa.String(length=5), nullable=True),
        sa.Column("district", sa.String(length=32), nullable=True),
        sa.Column("joined", sa.String(length=26), nullable=True),
        sa.Column("granted_at", sa.String(length=26), nullable=False),
        sa.Column("seen_here", sa.String(length=26), nullable=True),
        sa.Column("hq_seen", sa.String(length=26), nullable=True),
        sa.Column("last_seen", sa.String(length=26), nullable=False),
        sa.PrimaryKeyConstraint("member_id"),
        sqlite_with_rowid=False,
    )
    for name, columns in INDEXES.items():
        op.create_index(name, "outreach_members", columns)
    for sql in TRIGGERS.values():
        op.execute(sql)
    # Members who agreed before this version: each one's row, as the triggers would make it.
    op.execute(
        "CREATE TEMP TABLE outreach_backfill AS SELECT DISTINCT member_id FROM consents "
        "WHERE purpose = 'marketing'"
    )
    op.execute(
        """
INSERT INTO outreach_members (member_id, member_no, tier, birth_md, district, joined,
                              granted_at, seen_here, hq_seen, last_seen)
SELECT m.id, m.member_no, m.tier, substr(m.birthday, 6, 5), NULL,
  (SELECT substr(min(o.created_at), 1, 26) FROM outbox o
    WHERE o.member_id = m.id AND o.type = 'member.register'
      AND o.state IN ('pending', 'applied')),
  substr(c.recorded_at, 1, 26),
  (SELECT substr(max(p.created_at), 1, 26) FROM points_entries p WHERE p.member_id = m.id),
  """
        + _HQ_SEEN.format(m="m")
        + """,
  max(substr(c.recorded_at, 1, 26),
      coalesce((SELECT substr(max(p.created_at), 1, 26) FROM points_entries p
                WHERE p.member_id = m.id), ''),
      coalesce("""
        + _HQ_SEEN.format(m="m")
        + """, ''))
FROM outreach_backfill b
JOIN consents c ON c.id = (SELECT c2.id FROM consents c2
                           WHERE c2.member_id = b.member_id AND c2.purpose = 'marketing'
                           ORDER BY c2.recorded_at DESC, c2.id DESC LIMIT 1)
JOIN members m ON m.id = b.member_id
WHERE c.granted = 1 AND m.status = 'active'
"""
    )
    op.execute("DROP TABLE outreach_backfill")
    op.create_index(
        "ix_consents_purpose_member",
        "consents",
        ["purpose", "member_id", "recorded_at", "id", "granted"],
    )


def downgrade() -> None:
    op.drop_index("ix_consents_purpose_member", table_name="consents")
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for name in INDEXES:
        op.drop_index(name, table_name="outreach_members")
    op.drop_table("outreach_members")
