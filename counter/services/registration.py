"""Registering a member at the service desk (F2): the member, their separate consents,
their health information and their card, in one durable transaction.

One transaction, because a member on file without the basic consent they gave (or with a
health record but no health consent) must never exist, not even after a power cut between
two steps. Each consent is its own ``member.consent`` op naming the version of the text
the member was shown (DESIGN §7); HQ's config sends the texts (``consent_texts``).

A card is either a pre-printed one the assistant scans, or one this PC numbers itself from
its own sub-block of the store's block (config ``card_blocks`` + the PC's counter number),
so two PCs issuing offline at once never collide.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter import contract
from counter.codes import is_card_no, make_card_no
from counter.errors import KnownError, ValidationError
from counter.ids import uuid7
from counter.services import audit
from counter.services.config import cached_config, kv_get, kv_set
from counter.services.connection import INTERACTIVE_RETRY, make_client
from counter.services.context import Actor, ServiceContext
from counter.services.members import MemberForm, insert_member, validate
from counter.services.ops import HEALTH_ROLES, queue_op, require_role
from counter.services.profile import Medicine, _items, _medicines, write_health
from counter.services.views import MemberView, fetch_view, raw_connection
from counter.store import effects
from counter.store.models import Card, Consent, Member

log = logging.getLogger(__name__)

REGISTER_ROLES = ("service", "manager")
CARD_SEQ_KEY = "card_issue_seq"
# The optional profile fields' codes, as HQ keeps them (hq/models.py); the form names them.
EDUCATION_LEVELS = ("junior_high_or_below", "high_school", "associate", "bachelor", "postgraduate")
INCOME_BANDS = ("under_3k", "3k_6k", "6k_10k", "10k_20k", "over_20k")
MARITAL_STATUSES = ("single", "married", "divorced", "widowed")
_CARD_TAKEN = ValidationError(
    "这张卡已绑定其他会员，请换一张卡。",
    "This card belongs to another member; take another card.",
    field="card_no",
)
_NO_BASIC = ValidationError(
    "会员须同意会员服务条款才能登记。",
    "The member must agree to the membership terms (basic consent) to register.",
    field="consent_basic",
)
_NO_REFERRER = ValidationError(
    "找不到推荐人：请扫推荐人的会员卡或输入其完整手机号。",
    "No such referrer: scan their member card or type their full phone number.",
    field="referrer",
)
# Stand-ins for a required field already found wrong, so the others can be checked too.
_STAND_INS = {"name": "某", "phone": "13800000000"}


def parse_birthday(text: str) -> dt.date | None:
    """``1980-05-12``, ``1980/5/12``, ``1980.5.12`` or ``19800512``; empty is no birthday."""
    text = text.strip()
    if not text:
        return None
    parts = re.split(r"[-/.年月日\s]+", text.strip("日 "))
    try:
        if len(parts) == 1 and len(text) == 8 and text.isdigit():
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        pass
    raise ValidationError(
        "生日格式应为 年-月-日，如 1980-05-12。",
        "Type the birthday as year-month-day, e.g. 1980-05-12.",
        field="birthday",
    )


def form_errors(
    ctx: ServiceContext,
    fields: dict[str, str],
    consents: frozenset[str] = frozenset({"basic"}),
    *,
    referrer_typed: bool = False,
    referrer_found: bool = False,
) -> dict[str, ValidationError]:
    """Every wrong field of the typed form at once, each with its message (empty: all right).

    ``fields``: name, phone, gender, birthday (as typed), email, address, education,
    income, marital_status, card_no. The rules are :func:`members.validate`'s, and
    :func:`register`'s for the consents and the referrer.
    """
    errors: dict[str, ValidationError] = {}
    if "basic" not in consents:
        errors["basic"] = _NO_BASIC
    if referrer_typed and not referrer_found:
        errors["referrer"] = _NO_REFERRER
    values: dict[str, Any] = {k: fields.get(k, "") for k in _FORM_KEYS}
    try:
        values["birthday"] = parse_birthday(values["birthday"])
    except ValidationError as exc:
        errors["birthday"] = exc
        values["birthday"] = None
    for key in ("education", "income", "marital_status"):
        values[key] = values[key] or None
    today = ctx.now().date()
    for _ in range(len(_FORM_KEYS)):
        try:
            validate(MemberForm(**values), today)
            break
        except ValidationError as exc:
            key = exc.field if exc.field in values else "name"
            errors.setdefault(key, exc)
            values[key] = _STAND_INS.get(key, None if key in ("birthday",) else "")
            if key in ("education", "income", "marital_status"):
                values[key] = None
    return errors


def form_of(fields: dict[str, str]) -> MemberForm:
    """The typed form as a :class:`MemberForm` (the birthday parsed; may raise)."""
    values: dict[str, Any] = {k: fields.get(k, "") for k in _FORM_KEYS}
    values["birthday"] = parse_birthday(values["birthday"])
    for key in ("education", "income", "marital_status"):
        values[key] = values[key] or None
    return MemberForm(**values)


_FORM_KEYS = (
    "name",
    "phone",
    "gender",
    "birthday",
    "email",
    "address",
    "card_no",
    "education",
    "income",
    "marital_status",
)


@dataclass(frozen=True)
class ConsentText:
    purpose: str
    version: str
    zh: str
    en: str


@dataclass(frozen=True)
class Registration:
    """What the registration form hands over: the profile and what the member agreed to."""

    form: MemberForm
    consents: frozenset[str] = frozenset({"basic"})
    allergies: Sequence[str] = ()
    chronic: Sequence[str] = ()
    medicines: Sequence[str | Medicine] = ()
    referrer_id: str | None = None
    # True: number a card from this PC's block (``form.card_no`` must then be empty).
    issue_card: bool = False


def consent_texts(ctx: ServiceContext) -> dict[str, ConsentText]:
    """The texts HQ last sent, each purpose falling back to the built-in one."""
    with ctx.db.read() as s:
        sent = cached_config(s).get("consent_texts")
    out: dict[str, ConsentText] = {}
    for purpose in contract.CONSENT_PURPOSES:
        item = sent.get(purpose) if isinstance(sent, dict) else None
        if not (
            isinstance(item, dict)
            and all(isinstance(item.get(k), str) and item.get(k) for k in ("version", "zh", "en"))
        ):
            item = contract.DEFAULT_CONSENT_TEXTS[purpose]
        out[purpose] = ConsentText(purpose, item["version"][:32], item["zh"], item["en"])
    return out


def check_card(ctx: ServiceContext, actor: Actor, card_no: str) -> str:
    """A scanned card, checked before the form is saved: the 16 digits, or why not."""
    card_no = card_no.strip()
    if not is_card_no(card_no):
        raise ValidationError(
            "卡号无效（须 16 位且校验位正确）。",
            "The card number is invalid (16 digits, check digit).",
            field="card_no",
        )
    with ctx.db.read() as s:
        if effects.card_holder(s, card_no) is not None or s.get(Card, card_no) is not None:
            raise _CARD_TAKEN
    return card_no


def check_card_at_hq(ctx: ServiceContext, actor: Actor, card_no: str) -> str:
    """:func:`check_card`, then HQ asked whether another store bound the card already.

    Blocking (one HTTP call, bounded retries): the UI calls it in its worker. Offline or
    without HQ the local answer stands (HQ refuses a taken card at sync, into the problems
    list).
    """
    card_no = check_card(ctx, actor, card_no)
    client = make_client(ctx, INTERACTIVE_RETRY)
    if client is None:
        return card_no
    try:
        holder = client.lookup_member(card_no=card_no)
    except KnownError as exc:  # HQ out of reach or refusing: decided at sync instead
        log.info("card %s not checked at HQ: %s", card_no, exc.en)
        return card_no
    finally:
        client.close()
    if holder is not None:
        raise _CARD_TAKEN
    return card_no


def find_referrer(ctx: ServiceContext, actor: Actor, text: str) -> MemberView:
    """The member who brought the new one, by their card or full phone number."""
    text = text.strip().replace(" ", "").replace("-", "")
    with ctx.db.raw_read() as conn:
        view = None
        if is_card_no(text):
            view = fetch_view(conn, ctx, actor, "card", text)
        elif text.isdigit() and len(text) == 11:
            row = conn.execute(
                "SELECT id FROM members WHERE phone = ? AND status = 'active'", (text,)
            ).fetchone()
            if row is not None:
                view = fetch_view(conn, ctx, actor, "id", row[0])
    if view is None:
        raise _NO_REFERRER
    return view


def _block(s: Session, ctx: ServiceContext) -> str:
    blocks = cached_config(s).get("card_blocks")
    block = blocks.get(ctx.store_code) if isinstance(blocks, dict) else None
    if not (isinstance(block, str) and block.isdigit() and len(block) == 9):
        raise ValidationError(
            "本机还没有卡号段（需与总部同步一次）；请扫一张预印的会员卡。",
            "This PC has no block of card numbers yet (it comes with the first sync); "
            "scan a pre-printed card instead.",
            field="card_no",
        )
    return block


def issue_card_no(s: Session, ctx: ServiceContext) -> str:
    """The next free number of this PC's sub-block, inside the caller's write."""
    counter_no = ctx.counter_no
    prefix = f"{_block(s, ctx)}{counter_no % 10}"
    seq = int(kv_get(s, CARD_SEQ_KEY, "0") or 0)
    while True:
        seq += 1
        if seq > 99999:
            raise ValidationError(
                "本机卡号段已用完，请联系总部。",
                "This PC's block of card numbers is used up; ask HQ.",
                field="card_no",
            )
        card_no = make_card_no(f"{prefix}{seq:05d}")
        if s.get(Card, card_no) is None:
            kv_set(s, CARD_SEQ_KEY, str(seq))
            return card_no


def register(ctx: ServiceContext, actor: Actor, reg: Registration) -> MemberView:
    """Register the member with their consents, health information and card; one commit."""
    require_role(actor, REGISTER_ROLES, "登记会员", "register members")
    unknown = set(reg.consents) - set(contract.CONSENT_PURPOSES)
    if unknown:
        raise ValidationError(
            "未知的同意用途。", f"Unknown consent purpose: {sorted(unknown)[0]}", field="consent"
        )
    if "basic" not in reg.consents:
        raise _NO_BASIC
    health: dict[str, list[Any]] = {
        "allergies": _items(reg.allergies, "allergies"),
        "chronic": _items(reg.chronic, "chronic"),
        "medicines": _medicines(reg.medicines),
    }
    has_health = any(health.values())
    if has_health and "health" not in reg.consents:
        raise ValidationError(
            "未经会员单独同意，不能记录健康信息。",
            "Health information needs the member's separate health consent.",
            field="consent_health",
        )
    if has_health:
        require_role(actor, HEALTH_ROLES, "记录健康信息", "record health information")
    now = ctx.now()
    form = validate(reg.form, now.date())
    if reg.issue_card and form.card_no:
        raise ValidationError(
            "扫了卡就不必再发新卡号。", "A card was scanned; no number to issue.", field="card_no"
        )
    texts = consent_texts(ctx)
    with ctx.db.write() as s:
        referrer = reg.referrer_id
        if (
            referrer is not None
            and s.scalar(select(Member.id).where(Member.id == referrer, Member.status == "active"))
            is None
        ):
            raise ValidationError(
                "推荐人不在本店会员资料中。",
                "The referrer is not a known member.",
                field="referrer",
            )
        if reg.issue_card:
            form = MemberForm(**{**form.__dict__, "card_no": issue_card_no(s, ctx)})
        elif form.card_no and effects.card_holder(s, form.card_no) is not None:
            raise ValidationError(
                "这张卡已绑定其他会员，请换一张卡。",
                "This card belongs to another member; take another card.",
                field="card_no",
            )
        member_id = insert_member(s, ctx, actor, form, now, referrer_id=referrer)
        for purpose in contract.CONSENT_PURPOSES:
            if purpose in reg.consents:
                _consent(s, ctx, actor, member_id, texts[purpose], now)
        if has_health:
            write_health(s, ctx, actor, member_id, health, now)
        view = fetch_view(raw_connection(s), ctx, actor, "id", member_id)
        assert view is not None, "the member was just written in this transaction"
        return view


def _consent(
    s: Session,
    ctx: ServiceContext,
    actor: Actor,
    member_id: str,
    text: ConsentText,
    now: dt.datetime,
) -> None:
    op = queue_op(
        s,
        ctx,
        actor,
        "member.consent",
        {
            "member_id": member_id,
            "purpose": text.purpose,
            "granted": True,
            "recorded_at": contract.format_time(now),
            "text_version": text.version,
        },
        now,
        member_id=member_id,
    )
    s.add(
        Consent(
            id=uuid7(),
            member_id=member_id,
            purpose=text.purpose,
            granted=True,
            recorded_at=now,
            operator_id=actor.operator_id,
            op_id=op.op_id,
        )
    )
    audit.record(
        s,
        actor,
        "consent.grant",
        now,
        member_id=member_id,
        purpose=text.purpose,
        version=text.version,
        op=op.op_id,
    )
