"""Member use cases on the cache: register, read as a view fit for the operator's role."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from counter.codes import is_card_no
from counter.errors import NotFoundError, ValidationError
from counter.ids import uuid7
from counter.names import full_pinyin, initials
from counter.services import audit
from counter.services.context import Actor, ServiceContext
from counter.services.ops import check_text, queue_op
from counter.services.views import MemberView, fetch_view, raw_connection
from counter.store.models import Card, Member

NAME_DOTS = str.maketrans(dict.fromkeys("•‧・･", "·"))
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
GENDERS = ("F", "M", "")


@dataclass(frozen=True)
class MemberForm:
    """What the service desk types in to register a member."""

    name: str
    phone: str
    gender: str = ""
    birthday: dt.date | None = None
    email: str = ""
    address: str = ""
    card_no: str = ""
    education: str | None = None
    income: str | None = None
    marital_status: str | None = None


def _name_char(c: str) -> bool:
    """Letters (any script), their marks, digits (test and legacy records carry them),
    spaces and the few signs real names carry; never symbols or emoji."""
    if c in " ·.-'":
        return True
    if "\ufe00" <= c <= "\ufe0f":  # variation selectors: they turn signs into emoji
        return False
    return unicodedata.category(c)[0] in "LMN"


def validate(form: MemberForm, today: dt.date) -> MemberForm:
    for key in ("name", "email", "address", "education", "income", "marital_status"):
        check_text(key, (getattr(form, key) or "").strip())
    # One spelling of the middle dot (阿沛·阿旺晋美), as the lookup bar normalises it.
    name = form.name.strip().translate(NAME_DOTS)
    if not name:
        raise ValidationError("请填写姓名。", "Enter the member's name.", field="name")
    if len(name) > 32:
        raise ValidationError(
            "姓名过长（最多 32 字）。",
            "The name is too long (at most 32 characters).",
            field="name",
        )
    if any(not _name_char(c) for c in name):
        raise ValidationError(
            "姓名不能有符号或表情（间隔号·可以）。",
            "A name cannot hold symbols or emoji (the middle dot · is fine).",
            field="name",
        )
    phone = re.sub(r"[\s-]", "", form.phone)
    if phone.startswith("+86"):
        phone = phone[3:]
    if not PHONE_RE.match(phone):
        raise ValidationError(
            "手机号应为 11 位大陆手机号。",
            "The phone must be an 11-digit mainland mobile number.",
            field="phone",
        )
    if form.gender not in GENDERS:
        raise ValidationError("性别无效。", "Unknown gender.", field="gender")
    if form.birthday is not None and form.birthday > today:
        raise ValidationError(
            "生日不能晚于今天。", "The birthday cannot be in the future.", field="birthday"
        )
    if form.birthday is not None and form.birthday < dt.date(1900, 1, 1):
        raise ValidationError(
            "生日不能早于 1900 年。", "The birthday cannot be before 1900.", field="birthday"
        )
    email = form.email.strip()
    if email and not EMAIL_RE.match(email):
        raise ValidationError(
            "电子邮箱格式不对。", "The e-mail address is malformed.", field="email"
        )
    card = form.card_no.strip()
    if card and not is_card_no(card):
        raise ValidationError(
            "卡号无效（须 16 位且校验位正确）。",
            "The card number is invalid (16 digits, check digit).",
            field="card_no",
        )
    return MemberForm(
        name=name,
        phone=phone,
        gender=form.gender,
        birthday=form.birthday,
        email=email,
        address=form.address.strip(),
        card_no=card,
        education=form.education,
        income=form.income,
        marital_status=form.marital_status,
    )


def register_member(ctx: ServiceContext, actor: Actor, form: MemberForm) -> MemberView:
    """A new member in the cache and a ``member.register`` op, in one durable transaction."""
    now = ctx.now()
    form = validate(form, now.date())
    with ctx.db.write() as s:
        member_id = insert_member(s, ctx, actor, form, now)
        return fetch_view(raw_connection(s), ctx, actor, "id", member_id) or _vanished()


def insert_member(
    s: Session,
    ctx: ServiceContext,
    actor: Actor,
    form: MemberForm,
    now: dt.datetime,
    referrer_id: str | None = None,
) -> str:
    """Inside the caller's write: the member row, its card and the ``member.register`` op.

    ``form`` is validated already. Registration (:mod:`counter.services.registration`)
    adds the consents and health in the same transaction.
    """
    member_id = uuid7()
    existing = s.scalar(
        select(Member.id).where(Member.phone == form.phone, Member.status == "active")
    )
    if existing is not None:
        raise ValidationError(
            "该手机号已登记为会员。",
            "This phone number already belongs to a member.",
            field="phone",
            detail=existing,
        )
    if form.card_no and s.get(Card, form.card_no) is not None:
        raise ValidationError(
            "该卡号已被使用。", "This card number is already in use.", field="card_no"
        )
    member = Member(
        id=member_id,
        member_no=None,
        name=form.name,
        name_pinyin=full_pinyin(form.name),
        name_initials=initials(form.name),
        gender=form.gender,
        birthday=form.birthday,
        phone=form.phone,
        phone_rev=form.phone[::-1],
        email=form.email,
        address=form.address,
        education=form.education,
        income=form.income,
        marital_status=form.marital_status,
        tier="basic",
        points=0,
        allergy_alert=False,
        status="active",
        origin="local",
        hq_seq=0,
        created_at=now,
        updated_at=now,
    )
    s.add(member)
    if form.card_no:
        s.add(Card(card_no=form.card_no, member_id=member_id, status="active", bound_at=now))
    s.flush()
    payload = {
        "member_id": member_id,
        "name": form.name,
        "phone": form.phone,
        "gender": form.gender,
        "birthday": form.birthday.isoformat() if form.birthday else None,
        "email": form.email,
        "address": form.address,
        "card_no": form.card_no or None,
        "education": form.education,
        "income": form.income,
        "marital_status": form.marital_status,
    }
    if referrer_id is not None:
        payload["referrer_id"] = referrer_id
    op = queue_op(s, ctx, actor, "member.register", payload, now, member_id=member_id)
    audit.record(s, actor, "member.register", now, member_id=member_id, op=op.op_id)
    return member_id


def get_member(ctx: ServiceContext, actor: Actor, member_id: str) -> MemberView:
    with ctx.db.raw_read() as conn:
        view = fetch_view(conn, ctx, actor, "id", member_id)
    if view is None:
        raise NotFoundError("未找到该会员。", "No such member.")
    return view


def find_by_card(ctx: ServiceContext, actor: Actor, card_no: str) -> MemberView | None:
    """The member holding an active card, or None; the caller has checked the digits."""
    with ctx.db.raw_read() as conn:
        return fetch_view(conn, ctx, actor, "card", card_no)


def _vanished() -> MemberView:
    raise NotFoundError("未找到该会员。", "No such member.")


def count_members(ctx: ServiceContext) -> int:
    with ctx.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Member)) or 0)
