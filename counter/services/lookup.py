"""Scan to member: what the cashier's lookup bar does with what it receives (DESIGN §4).

Every kind of input goes to its own index: card (primary key), QR token (verified
offline with HQ's public keys, then the member number), full phone, phone tail (a
prefix range over the reversed phone), Chinese name prefix, pinyin initials (a range
over the search keys, every reading of a heteronym included). Refusals come back as
answers with a reason, never as exceptions.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from counter import codes
from counter.errors import KnownError
from counter.privacy import mask_name, mask_phone
from counter.services.context import Actor, ServiceContext
from counter.services.members import MemberView, member_view
from counter.store.models import Card, KeyValue, Member, MemberKey

log = logging.getLogger(__name__)

MAX_CHOICES = 20
HQ_CONFIG_KEY = "hq_config"

Outcome = Literal["found", "choices", "not_found", "refused"]


@dataclass(frozen=True)
class MemberChoice:
    """One line of the pick list: enough to tell people apart, nothing more."""

    member_id: str
    name: str
    phone: str
    tier: str


@dataclass(frozen=True)
class LookupResult:
    outcome: Outcome
    kind: str
    member: MemberView | None = None
    choices: tuple[MemberChoice, ...] = ()
    reason: str = ""
    zh: str = ""
    en: str = ""

    def message(self, language: str) -> str:
        return self.zh if language.startswith("zh") else self.en


def _refused(kind: str, error: KnownError) -> LookupResult:
    return LookupResult("refused", kind, reason=error.code, zh=error.zh, en=error.en)


def _not_found(kind: str) -> LookupResult:
    zh, en = {
        "card": ("未找到此卡号的会员。", "No member holds this card."),
        "member_token": ("未找到此会员码对应的会员。", "No member matches this member code."),
        "phone": ("未找到此手机号的会员。", "No member has this phone number."),
        "phone_tail": ("没有手机尾号相符的会员。", "No member's phone ends in these digits."),
        "name": ("没有姓名相符的会员。", "No member has a name starting like this."),
        "initials": ("没有拼音首字母相符的会员。", "No member's name has these initials."),
    }.get(kind, ("无法识别的输入，请重新扫描。", "This input is not a card, code, phone or name."))
    return LookupResult("not_found", kind, reason="not_found", zh=zh, en=en)


def public_keys(session: Session) -> dict[int, Ed25519PublicKey]:
    """HQ's QR verification keys from the cached config (empty before the first sync)."""
    row = session.get(KeyValue, HQ_CONFIG_KEY)
    if row is None:
        return {}
    try:
        keys = json.loads(row.value).get("qr_keys", {})
    except (ValueError, AttributeError):
        return {}
    try:
        return codes.load_public_keys(keys) if isinstance(keys, dict) else {}
    except KnownError as exc:
        log.error("HQ config holds unusable QR keys, QR codes can't be checked: %s", exc.detail)
        return {}


def _active_member(session: Session, member_id: str | None) -> Member | None:
    if member_id is None:
        return None
    member = session.get(Member, member_id)
    return member if member is not None and member.status == "active" else None


def _choices(session: Session, ids: list[str], actor: Actor) -> tuple[MemberChoice, ...]:
    rows = session.execute(
        select(Member.id, Member.name, Member.phone, Member.tier)
        .where(Member.id.in_(ids), Member.status == "active")
        .order_by(Member.name, Member.phone)
    )
    masked = actor.role == "cashier"
    return tuple(
        MemberChoice(
            member_id=mid,
            name=mask_name(name) if masked else name,
            phone=mask_phone(phone),  # the pick list masks for everyone: it's read aloud
            tier=tier,
        )
        for mid, name, phone, tier in rows
    )


def _prefix_end(prefix: str) -> str:
    return prefix + "\U0010ffff"


def _candidates(session: Session, kind: str, value: str) -> list[str]:
    if kind == "phone":
        stmt = select(Member.id).where(Member.phone == value, Member.status == "active")
    elif kind == "phone_tail":
        rev = value[::-1]
        stmt = select(Member.id).where(
            Member.phone_rev >= rev, Member.phone_rev < _prefix_end(rev), Member.status == "active"
        )
    elif kind == "name":
        stmt = select(Member.id).where(
            Member.name >= value, Member.name < _prefix_end(value), Member.status == "active"
        )
    elif kind == "initials":
        key = "i:" + value
        stmt = (
            select(MemberKey.member_id)
            .where(MemberKey.key >= key, MemberKey.key < _prefix_end(key))
            .distinct()
        )
    else:
        return []
    return list(session.scalars(stmt.limit(MAX_CHOICES + 1)))


def lookup(ctx: ServiceContext, actor: Actor, text: str) -> LookupResult:
    """Find the member behind a scan or typed text; never raises for any input."""
    scan = codes.classify_scan(text)
    if scan.kind == "card_misread":
        return _refused(scan.kind, codes.CodeRefused("card_misread"))
    if scan.kind == "unknown":
        return _not_found(scan.kind)
    with ctx.db.read() as s:
        if scan.kind == "card":
            member_id = s.scalar(
                select(Card.member_id).where(Card.card_no == scan.value, Card.status == "active")
            )
            member = _active_member(s, member_id)
        elif scan.kind == "member_token":
            try:
                token = codes.verify_member_token(scan.value, public_keys(s), ctx.clock())
            except codes.CodeRefused as refusal:
                return _refused(scan.kind, refusal)
            member = s.scalar(
                select(Member).where(Member.member_no == token.member_no, Member.status == "active")
            )
        else:
            ids = _candidates(s, scan.kind, scan.value)
            if len(ids) > 1:
                return LookupResult("choices", scan.kind, choices=_choices(s, ids, actor))
            member = _active_member(s, ids[0] if ids else None)
        if member is None:
            return _not_found(scan.kind)
        return LookupResult("found", scan.kind, member=member_view(ctx, s, member, actor))


def choose(ctx: ServiceContext, actor: Actor, member_id: str) -> LookupResult:
    """The member picked from a pick list."""
    with ctx.db.read() as s:
        member = _active_member(s, member_id)
        if member is None:
            return _not_found("member")
        return LookupResult("found", "member", member=member_view(ctx, s, member, actor))
