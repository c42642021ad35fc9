"""Member use cases on the cache: register, read as a view fit for the operator's role."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from counter import outbox
from counter.codes import is_card_no
from counter.errors import KnownError, NotFoundError, ValidationError
from counter.ids import uuid7
from counter.names import full_pinyin, initials
from counter.privacy import mask_name, mask_phone
from counter.services import audit
from counter.services.context import Actor, ServiceContext
from counter.store.models import Card, KeyValue, Member, PointsEntry

# Stores are in mainland China: "today" for badges is China Standard Time.
LOCAL_TZ = dt.timezone(dt.timedelta(hours=8))
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


@dataclass(frozen=True)
class ExpiringPoints:
    points: int
    expires_on: dt.date


@dataclass(frozen=True)
class Visit:
    at: dt.datetime
    store_code: str
    amount_fen: int


@dataclass(frozen=True)
class MemberView:
    """A member as one operator may see them; the cashier gets masked name and phone."""

    id: str
    member_no: str | None
    name: str
    phone: str
    masked: bool
    gender: str
    birthday: dt.date | None
    tier: str
    card_nos: tuple[str, ...]
    hq_points: int
    pending_points: int
    allergy_alert: bool
    origin: str
    # The allergy banner is shown to every role (the cashier hands over medicine); the UI
    # audits each showing through services.audit_health_view.
    allergies: tuple[str, ...] = ()
    points_expiring: tuple[ExpiringPoints, ...] = ()
    recent_visits: tuple[Visit, ...] = ()
    badges: frozenset[str] = frozenset()

    @property
    def points_shown(self) -> int:
        return self.hq_points + self.pending_points


def validate(form: MemberForm, today: dt.date) -> MemberForm:
    # One spelling of the middle dot (阿沛·阿旺晋美), as the lookup bar normalises it.
    name = form.name.strip().translate(NAME_DOTS)
    if not name:
        raise ValidationError("请填写姓名。", "Enter the member's name.", field="name")
    if len(name) > 32:
        raise ValidationError("姓名过长（最多 32 字）。", "The name is too long.", field="name")
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
    if form.birthday is not None and not (dt.date(1900, 1, 1) <= form.birthday <= today):
        raise ValidationError("生日不合理。", "The birthday is not plausible.", field="birthday")
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
    now = ctx.clock()
    form = validate(form, now.date())
    member_id = uuid7()
    with ctx.db.write() as s:
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
        outbox.append(
            s,
            type="member.register",
            payload={
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
            },
            store_code=ctx.store_code,
            operator_id=actor.operator_id,
            now=now,
            member_id=member_id,
        )
        audit.record(s, actor, "member.register", now, member_id=member_id)
        return member_view(ctx, s, member, actor)


def member_view(ctx: ServiceContext, s: Session, member: Member, actor: Actor) -> MemberView:
    """The member as ``actor`` may see them, with HQ's balance and this store's pending entries."""
    pending = s.scalar(
        select(func.coalesce(func.sum(PointsEntry.delta), 0)).where(
            PointsEntry.member_id == member.id, PointsEntry.state == "pending"
        )
    )
    cards = tuple(
        s.scalars(select(Card.card_no).where(Card.member_id == member.id, Card.status == "active"))
    )
    masked = actor.role == "cashier"
    allergies: tuple[str, ...] = ()
    if member.allergy_alert and member.health_enc is not None:
        try:
            allergies = tuple(ctx.cipher.decrypt(member.id, member.health_enc).get("allergies", []))
        except KnownError:
            allergies = ("?",)  # the banner still warns; the record itself can't be read
    today = ctx.clock().astimezone(LOCAL_TZ).date()
    return MemberView(
        id=member.id,
        member_no=member.member_no,
        name=mask_name(member.name) if masked else member.name,
        phone=mask_phone(member.phone) if masked else member.phone,
        masked=masked,
        gender=member.gender,
        birthday=None if masked else member.birthday,
        tier=member.tier,
        card_nos=cards,
        hq_points=member.points,
        pending_points=int(pending or 0),
        allergy_alert=member.allergy_alert,
        origin=member.origin,
        allergies=allergies,
        points_expiring=_expiring(member.points_expiring, today),
        recent_visits=_visits(member.recent_visits),
        badges=frozenset(badges(member.birthday, today, member_days(s))),
    )


def _expiring(raw: str, today: dt.date) -> tuple[ExpiringPoints, ...]:
    """Points HQ says expire within the next 90 days, soonest first."""
    try:
        items = [
            ExpiringPoints(int(e["points"]), dt.date.fromisoformat(e["expires_on"]))
            for e in json.loads(raw or "[]")
        ]
    except (ValueError, KeyError, TypeError):
        return ()
    horizon = today + dt.timedelta(days=90)
    return tuple(
        sorted((e for e in items if today <= e.expires_on <= horizon), key=lambda e: e.expires_on)
    )


def _visits(raw: str) -> tuple[Visit, ...]:
    try:
        return tuple(
            Visit(
                dt.datetime.fromisoformat(v["at"].replace("Z", "+00:00")),
                str(v.get("store_code", "")),
                int(v["amount_fen"]),
            )
            for v in json.loads(raw or "[]")
        )[:5]
    except (ValueError, KeyError, TypeError, AttributeError):
        return ()


def member_days(s: Session) -> tuple[int, ...]:
    """Days of the month that are member days, from HQ's cached config (default: the 8th)."""
    row = s.get(KeyValue, "hq_config")
    if row is not None:
        try:
            days = json.loads(row.value)["points"]["member_days"]
            return tuple(int(d) for d in days)
        except (ValueError, KeyError, TypeError):
            pass
    return (8,)


def badges(birthday: dt.date | None, today: dt.date, days: tuple[int, ...]) -> set[str]:
    """Which badges the member panel shows today."""
    out = set()
    if birthday is not None and birthday.month == today.month:
        out.add("birthday_month")
    if today.day in days:
        out.add("member_day")
    return out


def get_member(ctx: ServiceContext, actor: Actor, member_id: str) -> MemberView:
    with ctx.db.read() as s:
        member = s.get(Member, member_id)
        if member is None or member.status != "active":
            raise NotFoundError("未找到该会员。", "No such member.")
        return member_view(ctx, s, member, actor)


def find_by_card(ctx: ServiceContext, actor: Actor, card_no: str) -> MemberView | None:
    """The member holding an active card, or None; the caller has checked the digits."""
    with ctx.db.read() as s:
        member = s.scalar(
            select(Member)
            .join(Card, Card.member_id == Member.id)
            .where(Card.card_no == card_no, Card.status == "active", Member.status == "active")
        )
        return member_view(ctx, s, member, actor) if member is not None else None


def count_members(ctx: ServiceContext) -> int:
    with ctx.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Member)) or 0)
