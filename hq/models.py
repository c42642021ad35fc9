"""HQ's tables: the chain's truth about stores, members and cards.

Designed for the sync contract (DESIGN §3): every member row carries ``seq``, the global
change sequence at which it last changed, so ``/v1/members/changes`` is an indexed range
scan; the sequence itself lives in a counter row (``sequences``) that writers update inside
their transaction, which makes seq order equal commit order (a reader never skips a change
that commits late). ``meta`` holds the epoch, which tells a counter that HQ was restored.

Uniqueness is declared as named indexes rather than inline ``UNIQUE`` so the bulk seeder can
drop and rebuild them (SQLite cannot drop an inline constraint).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

GENDERS = ("F", "M", "")  # "" = not given (counter.contract accepts it at registration)
TIERS = ("basic", "silver", "gold")
MEMBER_STATUSES = ("active", "deleted", "merged")
CARD_STATUSES = ("active", "lost", "replaced", "expired")  # as counter.contract reads them
# Optional profile fields are codes, not display text: the counter's UI translates them.
EDUCATION_LEVELS = ("junior_high_or_below", "high_school", "associate", "bachelor", "postgraduate")
INCOME_BANDS = ("under_3k", "3k_6k", "6k_10k", "10k_20k", "over_20k")  # CNY per month
MARITAL_STATUSES = ("single", "married", "divorced", "widowed")

# Names of the rows in ``sequences``.
SEQ_CHANGES = "changes"
SEQ_MEMBER_NO = "member_no"
MEMBER_NO_BASE = 1_000_000_000  # member_no = base + n: ten digits, "1000000001" first
META_EPOCH = "epoch"
# The HMAC key feed cursors are signed with (hq.rewind).
META_CURSOR_KEY = "cursor_key"
META_CONFIG = "config"  # the chain's rules (JSON); absent: counter.rules.DEFAULT_CONFIG


def _in(column: str, values: tuple[str, ...]) -> str:
    assert all(v == "" or v.isidentifier() for v in values), "only plain codes in a CHECK"
    # "a = x OR a = y", not "a IN (x, y)": SQLite rebuilds an IN list's lookup table for
    # every row inserted by executemany, which made seeding twice as slow.
    return " OR ".join(f"{column} = {v!r}" for v in values)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes on every backend.

    PostgreSQL keeps ``timestamptz``; SQLite has no zone, so UTC is stored naive and made
    aware again on the way out. Naive input is refused: it would silently mean local time.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    pass


class Meta(Base):
    """Facts about this database itself; ``epoch`` is made once, when it is created."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Sequence(Base):
    """Named counters (``changes``, ``member_no``), bumped inside the writer's transaction."""

    __tablename__ = "sequences"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Store(Base):
    """A store and its API token; only the token's SHA-256 is kept."""

    __tablename__ = "stores"
    __table_args__ = (Index("ux_stores_token_hash", "token_hash", unique=True),)

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_contact_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Operations answered from the stored outcome (retries): for `hq stats`.
    replays: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (
        Index("ux_members_member_no", "member_no", unique=True),
        Index("ux_members_phone", "phone", unique=True),
        # The change feed reads "seq > cursor ORDER BY seq, id": one index serves it.
        Index("ix_members_seq", "seq", "id"),
        CheckConstraint(_in("gender", GENDERS), name="ck_members_gender"),
        CheckConstraint(_in("tier", TIERS), name="ck_members_tier"),
        CheckConstraint(_in("status", MEMBER_STATUSES), name="ck_members_status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_no: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(64))
    name_pinyin: Mapped[str] = mapped_column(String(128))
    name_initials: Mapped[str] = mapped_column(String(32))
    gender: Mapped[str] = mapped_column(String(1))
    birthday: Mapped[dt.date | None] = mapped_column(Date)
    # NULL once the member is deleted or merged away, so the phone can register again.
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(128), default="")  # "" = none, as in the contract
    address: Mapped[str] = mapped_column(String(256), default="")
    education: Mapped[str | None] = mapped_column(String(32))
    income: Mapped[str | None] = mapped_column(String(32))
    marital_status: Mapped[str | None] = mapped_column(String(16))
    tier: Mapped[str] = mapped_column(String(16), default="basic")
    points: Mapped[int] = mapped_column(Integer, default=0)
    # {"allergies": [...], "chronic": [...], "medicines": [...]} as JSON text, or NULL.
    health: Mapped[str | None] = mapped_column(Text)
    # The member's separate consent to keep health information (PIPL); without it, no health.
    health_consent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(12), default="active")
    merged_into: Mapped[str | None] = mapped_column(String(36))
    # The member who brought this one (member.register's referrer_id), if any.
    referrer_id: Mapped[str | None] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # The member record exactly as /v1/members/changes serves it (JSON text), rendered by
    # hq.records whenever the row changes (in the same transaction, with the new seq): the
    # change feed then only concatenates stored text, which is what makes a first sync of
    # a million members fast. Everything in it is derived from the columns, the cards, the
    # points ledger and the receipts.
    record: Mapped[str] = mapped_column(Text, default="", server_default="")

    cards: Mapped[list[Card]] = relationship(back_populates="member")


class Card(Base):
    """A member card; a member changes cards (lost, replaced) but keeps the member_no."""

    __tablename__ = "cards"
    __table_args__ = (
        Index("ix_cards_member_id", "member_id"),
        CheckConstraint(_in("status", CARD_STATUSES), name="ck_cards_status"),
    )

    card_no: Mapped[str] = mapped_column(String(16), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    status: Mapped[str] = mapped_column(String(12), default="active")
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    bound_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    member: Mapped[Member] = relationship(back_populates="cards")


LEDGER_KINDS = (
    "opening", "earn", "redeem", "merge_in", "merge_out", "correction",
    "reverse", "award", "referral",
)  # fmt: skip


class PointsEntry(Base):
    """One immutable entry of the points ledger; a member's balance is the sum of theirs.

    Entries made by an operation carry its ``op_id`` (unique: an op books at most once);
    opening balances from the seeder and HQ's own corrections have none or their own id.
    ``earned_on`` dates a credit for expiry (``counter.rules.expiry_of``).
    """

    __tablename__ = "points_ledger"
    __table_args__ = (
        Index("ux_points_ledger_op_id", "op_id", unique=True),
        Index("ix_points_ledger_member", "member_id"),
        CheckConstraint(_in("kind", LEDGER_KINDS), name="ck_points_ledger_kind"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    op_id: Mapped[str | None] = mapped_column(String(36))
    member_id: Mapped[str] = mapped_column(String(36))
    delta: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    earned_on: Mapped[dt.date | None] = mapped_column(Date)
    store_code: Mapped[str | None] = mapped_column(String(32))
    receipt_no: Mapped[str | None] = mapped_column(String(64))
    # A redemption that took the balance below zero (booked anyway: the goods were handed
    # over offline); HQ staff review these.
    overdraft: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # An offline redemption: the store's day it was booked on (China time), and whether it
    # took the member's offline redemptions there that day past the cap (hq.review).
    offline_on: Mapped[dt.date | None] = mapped_column(Date)
    over_cap: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # An award's reason code (``points.award_reasons``; ``referral`` for a referrer's points)
    # and the note the counter wrote with it.
    reason: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # A redemption of the catalogue (v1.1): the reward, how many, and the store's day of
    # the op (China time), against which the reward's daily limit counts (hq.ops.rewards).
    reward_code: Mapped[str | None] = mapped_column(String(32))
    reward_quantity: Mapped[int | None] = mapped_column(Integer)
    reward_on: Mapped[dt.date | None] = mapped_column(Date)
    over_reward_limit: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Receipt(Base):
    """A sale that earned points: one receipt earns once per store, whatever its op_ids."""

    __tablename__ = "receipts"
    __table_args__ = (Index("ix_receipts_member_sold", "member_id", "sold_at", "receipt_no"),)

    store_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    receipt_no: Mapped[str] = mapped_column(String(64), primary_key=True)
    op_id: Mapped[str] = mapped_column(String(36))
    member_id: Mapped[str] = mapped_column(String(36))
    sold_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    points: Mapped[int] = mapped_column(Integer)
    # The member's own money (cash, card, mobile pay): refunds take points back in proportion
    # to it (counter.rules.reverse_points), and tiers follow its 12-month sum (DESIGN §5).
    self_paid_fen: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    reversed_fen: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    reversed_points: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The rules version the counter computed with (None: a v1.0 counter, HQ's rules then);
    # superseded: HQ had other rules in effect when the sale was made (docs/points.md).
    rules_version: Mapped[str | None] = mapped_column(String(64))
    superseded_rules: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


OP_STATUSES = ("applied", "rejected")


class StoredOp(Base):
    """Every operation HQ decided, kept for ever: the first outcome answers every replay.

    The primary key on ``op_id`` is what makes ``POST /v1/ops`` idempotent, also between
    several HQ processes: the row is written in the same transaction as the op's effects.
    """

    __tablename__ = "ops"
    __table_args__ = (
        Index("ix_ops_store_type", "store_code", "type", "status"),
        CheckConstraint(_in("status", OP_STATUSES), name="ck_ops_status"),
    )

    op_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    store_code: Mapped[str] = mapped_column(String(32))
    type: Mapped[str] = mapped_column(String(32))
    # SHA-256 of the canonical JSON of (type, payload): the same op_id with another body
    # is an idempotency conflict, not a replay.
    body_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10))
    error_code: Mapped[str | None] = mapped_column(String(64))
    seq: Mapped[int | None] = mapped_column(BigInteger)
    # The first outcome as answered, less the envelope (op_id, status, replayed): JSON text
    # {"seq": …, "entity": …} or {"error": …}, copied as is into every replay's answer.
    result: Mapped[str] = mapped_column(Text)
    operator_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # What the counter PC's own clock said (created_at is corrected by its skew against HQ).
    pc_time: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Consent(Base):
    """A member's consent given or withdrawn (PIPL): when, where, by which operator."""

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_member", "member_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the op_id
    member_id: Mapped[str] = mapped_column(String(36))
    purpose: Mapped[str] = mapped_column(String(16))
    granted: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    store_code: Mapped[str] = mapped_column(String(32))
    operator_id: Mapped[str] = mapped_column(String(64))
    # Which consent text the member was shown (config ``consent_texts``); NULL from old ops.
    text_version: Mapped[str | None] = mapped_column(String(32))


COMPLAINT_STATUSES = ("received", "handling", "resolved", "closed", "escalated")


class Complaint(Base):
    """A customer complaint logged at a store; ``seq`` orders /v1/complaints/changes."""

    __tablename__ = "complaints"
    __table_args__ = (
        Index("ix_complaints_store_seq", "store_code", "seq"),
        CheckConstraint(_in("status", COMPLAINT_STATUSES), name="ck_complaints_status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    store_code: Mapped[str] = mapped_column(String(32))
    # The number the customer quotes (store-PC-date-sequence, numbered at the counter PC).
    number: Mapped[str] = mapped_column(String(40), default="")
    member_id: Mapped[str | None] = mapped_column(String(36))
    customer_name: Mapped[str] = mapped_column(String(64), default="")
    customer_phone: Mapped[str] = mapped_column(String(20), default="")
    category: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    wants: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12))
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    followup_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    followup_note: Mapped[str | None] = mapped_column(Text)
    followup_satisfaction: Mapped[int | None] = mapped_column(Integer)
    followup_method: Mapped[str | None] = mapped_column(String(16))
    followup_reached: Mapped[bool | None] = mapped_column(Boolean)
    seq: Mapped[int] = mapped_column(BigInteger)


class ComplaintNote(Base):
    """One entry of a complaint's handling timeline (who, when, what, new status)."""

    __tablename__ = "complaint_notes"
    __table_args__ = (Index("ix_complaint_notes_complaint", "complaint_id", "at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    complaint_id: Mapped[str] = mapped_column(ForeignKey("complaints.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    operator_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    new_status: Mapped[str | None] = mapped_column(String(12))


class SigningKey(Base):
    """An Ed25519 key pair HQ signs member QR tokens with (docs/member-codes.md).

    The private key never leaves HQ; ``/v1/config`` lists the public keys of every key
    not yet retired. The current signing key is the newest whose ``signs_from`` has come.
    """

    __tablename__ = "signing_keys"

    key_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    private_key: Mapped[str] = mapped_column(Text)  # base64 of the raw 32-byte seed
    public_key: Mapped[str] = mapped_column(String(64))  # base64 of the raw 32 bytes
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    signs_from: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    retire_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class RulesVersion(Base):
    """Every rules document HQ has served, from when it took effect; never deleted.

    ``version`` is ``counter.rules.rules_version`` of the document (content-addressed, so a
    document put back later is a new row with the same version). HQ books an earn under
    the version its counter names, as long as HQ ever had it (docs/points.md).
    """

    __tablename__ = "rules_versions"
    __table_args__ = (Index("ix_rules_versions_version", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version: Mapped[str] = mapped_column(String(64))
    document: Mapped[str] = mapped_column(Text)
    took_effect_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class TierChange(Base):
    """A member's tier changed at HQ at change sequence ``seq``: the tier history.

    With the member's current tier it says which tiers a member held after any seq, which
    is what HQ checks an earn's tier against (docs/points.md).
    """

    __tablename__ = "tier_changes"
    __table_args__ = (Index("ix_tier_changes_member", "member_id", "seq"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    member_id: Mapped[str] = mapped_column(String(36))
    tier_from: Mapped[str] = mapped_column(String(16))
    tier_to: Mapped[str] = mapped_column(String(16))
    seq: Mapped[int] = mapped_column(BigInteger)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


CARE_PLAN_STATUSES = ("active", "completed", "ended")
CARE_TASK_STATUSES = ("open", "done", "cancelled")


class CarePlan(Base):
    """A member's care plan, as a store enrolled them (``care.enroll``, DESIGN §12).

    ``template`` is health information: erased (``""``) when the member withdraws consent.
    """

    __tablename__ = "care_plans"
    __table_args__ = (
        Index("ix_care_plans_member", "member_id"),
        Index("ix_care_plans_store_seq", "store_code", "seq"),
        CheckConstraint(_in("status", CARE_PLAN_STATUSES), name="ck_care_plans_status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36))
    store_code: Mapped[str] = mapped_column(String(32))
    template: Mapped[str] = mapped_column(String(32))
    start_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))
    ended_reason: Mapped[str | None] = mapped_column(String(24))
    enrolled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    enrolled_by: Mapped[str] = mapped_column(String(64))
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    op_id: Mapped[str] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(BigInteger)


class CareTask(Base):
    """One step of a plan with its due date, as the counter computed it."""

    __tablename__ = "care_tasks"
    __table_args__ = (
        Index("ix_care_tasks_plan", "plan_id"),
        CheckConstraint(_in("status", CARE_TASK_STATUSES), name="ck_care_tasks_status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("care_plans.id"))
    member_id: Mapped[str] = mapped_column(String(36))
    step: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))
    outcome: Mapped[str | None] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    done_on: Mapped[dt.date | None] = mapped_column(Date)


class CareTaskEntry(Base):
    """Each ``care.task`` HQ applied (the op_id): the task's history of calls and visits."""

    __tablename__ = "care_task_log"
    __table_args__ = (Index("ix_care_task_log_task", "task_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the op_id
    task_id: Mapped[str] = mapped_column(ForeignKey("care_tasks.id"))
    member_id: Mapped[str] = mapped_column(String(36))
    store_code: Mapped[str] = mapped_column(String(32))
    operator_id: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="")
    done_on: Mapped[dt.date] = mapped_column(Date)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
