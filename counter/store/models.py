"""SQLAlchemy 2 models of the store's local cache.

HQ owns the truth; these tables hold HQ's last known state (``hq_seq`` says which
change of HQ a row reflects) plus this store's own operations in the outbox.
Alembic migrations in ``migrations/versions`` create exactly this schema; a test
compares the two.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes stored as RFC 3339 text, so they sort and read back exactly."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return dt.datetime.fromisoformat(value)


class Base(DeclarativeBase):
    pass


class KeyValue(Base):
    """Small facts about this cache: HQ config JSON and its ETag, HQ epoch, store identity."""

    __tablename__ = "kv"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Member(Base):
    __tablename__ = "members"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_no: Mapped[str | None] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    # Not indexed: searches by initials go through member_keys (every reading of a name).
    name_pinyin: Mapped[str] = mapped_column(String(128), default="")
    name_initials: Mapped[str] = mapped_column(String(32), default="")
    gender: Mapped[str] = mapped_column(String(1), default="")
    birthday: Mapped[dt.date | None] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    # The phone reversed: a tail search ("last 4 digits") becomes an indexed prefix range.
    phone_rev: Mapped[str] = mapped_column(String(20), index=True)
    email: Mapped[str] = mapped_column(String(128), default="")
    address: Mapped[str] = mapped_column(String(256), default="")
    education: Mapped[str | None] = mapped_column(String(32))
    income: Mapped[str | None] = mapped_column(String(32))
    marital_status: Mapped[str | None] = mapped_column(String(16))
    tier: Mapped[str] = mapped_column(String(16), default="basic")
    points: Mapped[int] = mapped_column(Integer, default=0)
    # HQ's figure of the member's self-paid spend over the last 12 months (fen): the tier's basis.
    tier_spend_fen: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Health information (allergies, chronic conditions, regular medicines) as
    # AES-GCM ciphertext; the flag lets the cashier's allergy banner show without decrypting.
    health_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    allergy_alert: Mapped[bool] = mapped_column(Boolean, default=False)
    # As HQ last sent them: [{"points", "expires_on"}] and [{"at", "store_code", "amount_fen"}].
    points_expiring: Mapped[str] = mapped_column(Text, default="[]")
    recent_visits: Mapped[str] = mapped_column(Text, default="[]")
    status: Mapped[str] = mapped_column(String(12), default="active")
    merged_into: Mapped[str | None] = mapped_column(String(36))
    origin: Mapped[str] = mapped_column(String(8), default="hq")
    hq_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    cards: Mapped[list[Card]] = relationship(back_populates="member")


class MemberKey(Base):
    """Search keys a column index can't give: every pinyin-initials reading of a name.

    曾小明 has rows ``i:zxm`` and ``i:cxm``; a prefix search is a range over the key.
    """

    __tablename__ = "member_keys"
    __table_args__ = ({"sqlite_with_rowid": False},)

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    member_id: Mapped[str] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Card(Base):
    __tablename__ = "cards"

    card_no: Mapped[str] = mapped_column(String(16), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="active")
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    bound_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    member: Mapped[Member] = relationship(back_populates="cards")


class Consent(Base):
    """A member's separate consent (PIPL) for a purpose, with who recorded it and when."""

    __tablename__ = "consents"
    # Each member's latest consent for a purpose from the index alone (outreach lists).
    __table_args__ = (
        Index("ix_consents_purpose_member", "purpose", "member_id", "recorded_at", "id", "granted"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    granted: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    operator_id: Mapped[str] = mapped_column(String(36))
    op_id: Mapped[str | None] = mapped_column(String(36))


class PointsEntry(Base):
    """One immutable ledger entry; a balance is a sum, never an edited number."""

    __tablename__ = "points_entries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    delta: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    receipt_no: Mapped[str | None] = mapped_column(String(64), index=True)
    store_code: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # pending: only this store knows it; applied: HQ booked it (at hq_seq); rejected.
    # An applied entry still counts in the shown balance until the cached member row has
    # caught up with it (members.hq_seq >= hq_seq): the write checkpoint.
    state: Mapped[str] = mapped_column(String(12), default="pending")
    hq_seq: Mapped[int | None] = mapped_column(Integer)
    # A redemption made while HQ could not be asked (counts towards the offline daily cap).
    offline: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class Receipt(Base):
    """One receipt that earned at this counter, with the amounts its points came from.

    Written by ``earn_points`` in the earn's transaction; a refund (``points.reverse``)
    adds to ``reversed_*``. Amounts are integer fen; ``points`` is what the counter showed.
    Figures, "last seen" and the refund dialog read this rather than the ops' payloads.
    """

    __tablename__ = "receipts"

    receipt_no: Mapped[str] = mapped_column(String(64), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    store_code: Mapped[str] = mapped_column(String(32))
    sold_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    total_fen: Mapped[int] = mapped_column(Integer)
    insurance_fen: Mapped[int] = mapped_column(Integer)  # 医保 personal account + pooled fund
    excluded_fen: Mapped[int] = mapped_column(Integer)
    self_paid_fen: Mapped[int] = mapped_column(Integer)
    eligible_fen: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    reversed_fen: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reversed_points: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class OutreachMember(Base):
    """A member who may be contacted for marketing, with what outreach lists select by.

    Derived, never written by code: triggers (migration 0010_outreach) keep it in step
    with ``consents`` (the latest marketing consent is a grant), ``members`` (active;
    tier, birthday, address, HQ's recent visits), ``points_entries`` and this counter's
    ``member.register`` operations, in the transaction of each write. Times are UTC text
    of 26 characters. ``district`` NULL: to be read from the address again
    (``counter.services.outreach``).
    """

    __tablename__ = "outreach_members"
    __table_args__ = ({"sqlite_with_rowid": False},)

    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_no: Mapped[str | None] = mapped_column(String(20), index=True)
    tier: Mapped[str] = mapped_column(String(16), index=True)
    birth_md: Mapped[str | None] = mapped_column(String(5), index=True)  # "MM-DD"
    district: Mapped[str | None] = mapped_column(String(32), index=True)
    joined: Mapped[str | None] = mapped_column(String(26), index=True)  # registered here
    granted_at: Mapped[str] = mapped_column(String(26))
    seen_here: Mapped[str | None] = mapped_column(String(26))  # latest ledger entry here
    hq_seen: Mapped[str | None] = mapped_column(String(26))  # HQ's newest recent visit
    last_seen: Mapped[str] = mapped_column(String(26), index=True)


class OutboxOp(Base):
    """An operation made at this counter, written in the same transaction as its effect.

    States: ``pending`` (not yet answered by HQ; ``attempts`` > 0 means it may have
    reached HQ, which is harmless since HQ is idempotent by op_id), ``applied`` (with
    HQ's ``hq_seq``), ``rejected`` (see ``sync_problems``), ``superseded`` (replaced by
    ``superseded_by``; never sent again).
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_seq", "state", "seq"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    op_id: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text)
    # The counter's time (PC clock corrected by the skew against HQ); pc_created_at is what
    # the PC's own clock said, for the record (None on rows older than the column).
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    pc_created_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    store_code: Mapped[str] = mapped_column(String(32))
    operator_id: Mapped[str] = mapped_column(String(36))
    member_id: Mapped[str | None] = mapped_column(String(36), index=True)
    state: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)
    hq_seq: Mapped[int | None] = mapped_column(Integer)
    # state "superseded": replaced by this op (re-pointed to another member, or retried).
    superseded_by: Mapped[str | None] = mapped_column(String(36))


class SyncCursor(Base):
    """Where each download stream stands; moved in the same transaction as its data."""

    __tablename__ = "sync_cursors"

    stream: Mapped[str] = mapped_column(String(32), primary_key=True)
    cursor: Mapped[str] = mapped_column(Text, default="")
    epoch: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Operator(Base):
    __tablename__ = "operators"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    pin_salt: Mapped[bytes] = mapped_column(LargeBinary)
    pin_hash: Mapped[bytes] = mapped_column(LargeBinary)
    # 1: scrypt alone (before 0006); 2: scrypt keyed with the PIN key outside the cache.
    pin_scheme: Mapped[int] = mapped_column(Integer, default=2, server_default="1")
    failed_pins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Complaint(Base):
    __tablename__ = "complaints"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    store_code: Mapped[str] = mapped_column(String(32))
    # What the customer quotes: store-PC-date-sequence (counter.services.complaints.next_number).
    number: Mapped[str] = mapped_column(String(40), default="", index=True)
    member_id: Mapped[str | None] = mapped_column(String(36), index=True)
    customer_name: Mapped[str] = mapped_column(String(64), default="")
    customer_phone: Mapped[str] = mapped_column(String(20), default="")
    category: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(12))
    channel: Mapped[str] = mapped_column(String(12))
    description: Mapped[str] = mapped_column(Text, default="")
    wants: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="received", index=True)
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(36))
    followup_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    followup_note: Mapped[str] = mapped_column(Text, default="")
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    followup_method: Mapped[str] = mapped_column(String(16), default="")
    followup_reached: Mapped[bool | None] = mapped_column(Boolean)
    # HQ changed it (state or notes) since this counter last looked: the list says so.
    changed_at_hq: Mapped[bool] = mapped_column(Boolean, default=False)
    hq_seq: Mapped[int] = mapped_column(Integer, default=0)

    notes: Mapped[list[ComplaintNote]] = relationship(
        back_populates="complaint", order_by="ComplaintNote.at"
    )


class ComplaintNote(Base):
    __tablename__ = "complaint_notes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    complaint_id: Mapped[str] = mapped_column(ForeignKey("complaints.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    operator_id: Mapped[str] = mapped_column(String(36))
    text: Mapped[str] = mapped_column(Text)
    new_status: Mapped[str | None] = mapped_column(String(12))

    complaint: Mapped[Complaint] = relationship(back_populates="notes")


# The acts on personal information a manager looks for first (DESIGN §7): health views
# and records, phone and name reveals, profile views in clear, consents, every export.
# Written out, not built, so the partial index below (0014_audit_trail) and the query
# (services.audit_view) say the very same thing: SQLite uses a partial index only for a
# query whose WHERE repeats its condition.
AUDIT_SENSITIVE_SQL = (
    "action IN ('health.view', 'health.record', 'member.reveal', 'profile.view', "
    "'consent.grant', 'consent.withdraw') OR action LIKE '%.reveal' OR action LIKE '%.export'"
)


class AuditEntry(Base):
    """Who saw or did what; every view of health information lands here."""

    __tablename__ = "audit_log"
    # The trail viewer's filters, newest first (0014_audit_trail; docs/benchmarks.md).
    __table_args__ = (
        Index("ix_audit_log_operator_at", "operator_id", "at"),
        Index("ix_audit_log_action_at", "action", "at"),
        Index("ix_audit_log_sensitive_at", "at", sqlite_where=text(AUDIT_SENSITIVE_SQL)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    operator_id: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(48))
    member_id: Mapped[str | None] = mapped_column(String(36), index=True)
    details: Mapped[str] = mapped_column(Text, default="")


class SyncProblem(Base):
    """A rejected operation, kept visible until a manager resolves or dismisses it."""

    __tablename__ = "sync_problems"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    op_id: Mapped[str] = mapped_column(ForeignKey("outbox.op_id"), index=True)
    code: Mapped[str] = mapped_column(String(48))
    message: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    resolved_by: Mapped[str | None] = mapped_column(String(36))
    resolution: Mapped[str | None] = mapped_column(String(16))


# The manager's figures read index ranges only (migration 0009_figures; figures_sql).
_RECEIPT_SUMS = (Receipt.total_fen, Receipt.self_paid_fen, Receipt.insurance_fen)
Index(
    "ix_receipts_figures_time", Receipt.store_code, Receipt.sold_at, Receipt.member_id,
    *_RECEIPT_SUMS, Receipt.reversed_fen,
)  # fmt: skip
Index(
    "ix_receipts_figures_member", Receipt.store_code, Receipt.member_id, Receipt.sold_at,
    *_RECEIPT_SUMS, Receipt.reversed_fen,
)  # fmt: skip
Index(
    "ix_points_entries_figures", PointsEntry.store_code, PointsEntry.created_at,
    PointsEntry.kind, PointsEntry.state, PointsEntry.delta,
)  # fmt: skip
Index("ix_outbox_type_created", OutboxOp.type, OutboxOp.store_code, OutboxOp.created_at)


class CarePlan(Base):
    """A member's care plan (DESIGN §12), enrolled at this counter.

    Which plan (the template, hence the condition) is health information: it is kept in
    ``detail_enc``, encrypted like the health record, and erased when consent is withdrawn.
    """

    __tablename__ = "care_plans"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    detail_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    start_on: Mapped[dt.date] = mapped_column(Date)
    # active → completed (every step done) or ended (declined, consent withdrawn).
    status: Mapped[str] = mapped_column(String(12), default="active")
    ended_reason: Mapped[str | None] = mapped_column(String(24))
    enrolled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    enrolled_by: Mapped[str] = mapped_column(String(36))
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    op_id: Mapped[str] = mapped_column(String(36))


class CareTask(Base):
    """One step of a plan, due on a date; the note is encrypted (it may say anything)."""

    __tablename__ = "care_tasks"
    __table_args__ = (Index("ix_care_tasks_status_due", "status", "due_on"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("care_plans.id"), index=True)
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    step: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[dt.date] = mapped_column(Date)
    # open → done, or cancelled when the plan ends.
    status: Mapped[str] = mapped_column(String(12), default="open")
    outcome: Mapped[str | None] = mapped_column(String(12))
    note_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    done_by: Mapped[str | None] = mapped_column(String(36))
    op_id: Mapped[str | None] = mapped_column(String(36))


class RefillMark(Base):
    """How this counter handled one member's refill reminder that fell due on ``due_on``.

    The reminder itself is computed from the health record (days' supply, last dispensed);
    a mark only says it was done, put off to ``until``, or declined for this round.
    """

    __tablename__ = "care_refill_marks"

    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    due_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    state: Mapped[str] = mapped_column(String(12))  # done | snoozed | declined
    until: Mapped[dt.date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(12))
    note_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    operator_id: Mapped[str] = mapped_column(String(36))


class BirthdayMark(Base):
    """How this counter handled a member's birthday greeting of ``year`` (the work list)."""

    __tablename__ = "care_birthday_marks"

    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(12))  # done | snoozed
    until: Mapped[dt.date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    operator_id: Mapped[str] = mapped_column(String(36))
