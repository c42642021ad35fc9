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
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
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
    phone: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(128), default="")  # "" = none, as in the contract
    address: Mapped[str] = mapped_column(String(256), default="")
    education: Mapped[str | None] = mapped_column(String(32))
    income: Mapped[str | None] = mapped_column(String(32))
    marital_status: Mapped[str | None] = mapped_column(String(16))
    tier: Mapped[str] = mapped_column(String(16), default="basic")
    points: Mapped[int] = mapped_column(Integer, default=0)
    # {"allergies": [...], "chronic": [...], "medicines": [...]} as JSON text, or NULL.
    health: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="active")
    merged_into: Mapped[str | None] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

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
