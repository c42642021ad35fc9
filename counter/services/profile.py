"""Editing a member: profile fields, the health consent, health information, cards.

Each function is one durable transaction: the cache row changes and the operation for
HQ is queued together. Health information is sensitive personal information (PIPL,
DESIGN §7): recorded only after a separate consent, shown only to service and manager
roles, kept encrypted, and every write and every view is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from counter import contract
from counter.codes import is_card_no
from counter.errors import ValidationError
from counter.ids import uuid7
from counter.privacy import district, mask_name, mask_phone
from counter.services import audit, care
from counter.services.context import Actor, ServiceContext
from counter.services.members import MemberForm, validate
from counter.services.ops import HEALTH_ROLES, active_member, queue_op, require_role
from counter.services.views import MemberView, fetch_view, raw_connection
from counter.store import effects, outbox_health
from counter.store.models import Card, Consent, Member

HEALTH_PURPOSE = "health"


@dataclass(frozen=True)
class ConsentRecord:
    member_id: str
    purpose: str
    granted: bool
    recorded_at: dt.datetime
    operator_id: str
    op_id: str


@dataclass(frozen=True)
class Medicine:
    """A regular medicine (常用药); the days' supply and last dispensing date feed refills."""

    name: str
    dose: str = ""
    days_supply: int | None = None
    last_dispensed: dt.date | None = None

    def as_payload(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dose": self.dose,
            "days_supply": self.days_supply,
            "last_dispensed": self.last_dispensed.isoformat() if self.last_dispensed else None,
        }

    @classmethod
    def of(cls, item: Any) -> Medicine:
        """From a name (older records), a payload dict, or a Medicine."""
        if isinstance(item, Medicine):
            return item
        if isinstance(item, str):
            return cls(item.strip())
        last = item.get("last_dispensed")
        return cls(
            str(item.get("name", "")).strip(),
            str(item.get("dose") or "").strip(),
            item.get("days_supply"),
            dt.date.fromisoformat(last) if isinstance(last, str) else last,
        )


@dataclass(frozen=True)
class HealthRecord:
    """A member's health information as a service or manager operator may see it."""

    member_id: str
    allergies: tuple[str, ...]
    chronic: tuple[str, ...]
    medicines: tuple[Medicine, ...]
    consent: bool

    @property
    def empty(self) -> bool:
        return not (self.allergies or self.chronic or self.medicines)


def _view(s: Any, ctx: ServiceContext, actor: Actor, member_id: str) -> MemberView:
    view = fetch_view(raw_connection(s), ctx, actor, "id", member_id)
    assert view is not None, "the member was just written in this transaction"
    return view


def _masked(field: str, value: Any) -> str:
    """How a changed value is written to the audit log: personal data masked (DESIGN §7)."""
    if value is None or value == "":
        return ""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    if field == "name":
        return mask_name(text)
    if field == "phone":
        return mask_phone(text)
    if field == "address":
        return (district(text) or "") + "…"
    if field == "email":
        local, _, domain = text.partition("@")
        return (local[:1] + "***@" + domain) if domain else "***"
    if field == "birthday":
        return text[:4] + "-**-**"
    return text


def update_member(
    ctx: ServiceContext, actor: Actor, member_id: str, changes: Mapping[str, Any]
) -> MemberView:
    """Change profile fields (not health: see :func:`record_health`); one ``member.update``.

    ``changes`` maps field names to new values (birthday as a date or ``YYYY-MM-DD``).
    Only fields that really change are sent to HQ; nothing changing is an error.
    """
    unknown = set(changes) - set(contract.PROFILE_FIELDS)
    if unknown:
        raise ValidationError(
            f"无法修改：{', '.join(sorted(unknown))}",
            f"These fields cannot be changed here: {', '.join(sorted(unknown))}",
            field=sorted(unknown)[0],
        )
    now = ctx.now()
    with ctx.db.write() as s:
        member = active_member(s, member_id)
        current = MemberForm(
            name=member.name,
            phone=member.phone,
            gender=member.gender,
            birthday=member.birthday,
            email=member.email,
            address=member.address,
            education=member.education,
            income=member.income,
            marital_status=member.marital_status,
        )
        wanted: dict[str, Any] = dict(changes)
        if isinstance(wanted.get("birthday"), str):
            try:
                wanted["birthday"] = dt.date.fromisoformat(wanted["birthday"])
            except ValueError:
                raise ValidationError(
                    "生日格式应为 YYYY-MM-DD。", "The birthday is YYYY-MM-DD.", field="birthday"
                ) from None
        for key in ("gender", "email", "address"):
            if key in wanted and wanted[key] is None:
                wanted[key] = ""
        merged = {**{f: getattr(current, f) for f in contract.PROFILE_FIELDS}, **wanted}
        form = validate(MemberForm(**merged), now.date())
        diff: dict[str, Any] = {}
        for key in wanted:
            new, old = getattr(form, key), getattr(current, key)
            if new != old:
                diff[key] = new.isoformat() if isinstance(new, dt.date) else new
        if not diff:
            raise ValidationError("没有需要保存的修改。", "Nothing was changed.")
        if "phone" in diff:
            other = s.scalar(
                select(Member.id).where(
                    Member.phone == diff["phone"], Member.status == "active", Member.id != member_id
                )
            )
            if other is not None:
                raise ValidationError(
                    "该手机号已登记为其他会员。",
                    "This phone number already belongs to another member.",
                    field="phone",
                    detail=other,
                )
        op = queue_op(
            s,
            ctx,
            actor,
            "member.update",
            {"member_id": member_id, "changes": diff},
            now,
            member_id=member_id,
        )
        effects.set_member_fields(s, ctx.cipher, member_id, diff, now)
        # What changed, before → after, masked: the log says what happened, not who it is.
        changed = {
            key: [_masked(key, getattr(current, key)), _masked(key, getattr(form, key))]
            for key in sorted(diff)
        }
        audit.record(
            s,
            actor,
            "member.update",
            now,
            member_id=member_id,
            fields=sorted(diff),
            changes=changed,
            op=op.op_id,
        )
        return _view(s, ctx, actor, member_id)


def _consent_on_file(s: Any, member: Member) -> bool:
    """The latest consent known here (this counter's or HQ's, 1.1); with none, HQ's record
    (health sent) counts."""
    latest = s.scalar(
        select(Consent.granted)
        .where(Consent.member_id == member.id, Consent.purpose == HEALTH_PURPOSE)
        .order_by(Consent.recorded_at.desc(), Consent.id.desc())
        .limit(1)
    )
    if latest is not None:
        return bool(latest)
    # HQ sends health only for members who consented (docs/hq-api.md).
    return member.health_enc is not None


consent_on_file = _consent_on_file  # for care plans (counter/services/care.py)


def record_consent(
    ctx: ServiceContext,
    actor: Actor,
    member_id: str,
    purpose: str = HEALTH_PURPOSE,
    *,
    granted: bool,
) -> ConsentRecord:
    """The member's separate consent (or its withdrawal), with time and operator.

    ``purpose`` is ``basic``, ``health`` or ``marketing`` (separate consents, DESIGN §7).
    Withdrawing ``health`` erases the cached health information at once, in the same
    transaction, from the member's row and from every queued or answered operation (one
    that may be at HQ unanswered loses it when answered); then the WAL is truncated so no
    old page keeps it. HQ erases its copy when the ``member.consent`` operation arrives.
    Withdrawing ``marketing`` takes the member off outreach lists, which count only members
    whose latest marketing consent is granted (:func:`consents_of`).
    """
    if purpose not in contract.CONSENT_PURPOSES:
        raise ValidationError(
            f"未知的同意用途：{purpose}", f"Unknown consent purpose: {purpose}", field="purpose"
        )
    if not isinstance(granted, bool):
        raise ValidationError("请选择同意或撤回。", "Say granted or withdrawn.", field="granted")
    if purpose == "basic" and not granted:
        # Leaving the membership is a deletion request handled at HQ (PIPL Art. 47).
        raise ValidationError(
            "会员资格的同意不能在柜台撤回；如会员要求注销，请提交删除申请。",
            "Consent to membership itself is not withdrawn at the counter; a member who "
            "wants to leave makes a deletion request.",
            field="purpose",
        )
    now = ctx.now()
    with ctx.db.write() as s:
        active_member(s, member_id)
        op = queue_op(
            s,
            ctx,
            actor,
            "member.consent",
            {
                "member_id": member_id,
                "purpose": purpose,
                "granted": granted,
                "recorded_at": contract.format_time(now),
            },
            now,
            member_id=member_id,
        )
        s.add(
            Consent(
                id=uuid7(),
                member_id=member_id,
                purpose=purpose,
                granted=granted,
                recorded_at=now,
                operator_id=actor.operator_id,
                op_id=op.op_id,
            )
        )
        if not granted and purpose == HEALTH_PURPOSE:
            effects.set_health(s, ctx.cipher, member_id, None)
            outbox_health.erase_member_health(s, member_id, by_op=op.op_id)
            care.end_for_withdrawal(s, member_id, now)
        audit.record(
            s,
            actor,
            "consent.grant" if granted else "consent.withdraw",
            now,
            member_id=member_id,
            purpose=purpose,
            op=op.op_id,
        )
    if not granted and purpose == HEALTH_PURPOSE:
        outbox_health.purge_wal(ctx.db)
    return ConsentRecord(member_id, purpose, granted, now, actor.operator_id, op.op_id)


def _items(value: Sequence[str] | None, field: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        raise ValidationError("请逐项填写。", "Give a list of entries.", field=field)
    items = [str(v).strip() for v in value if str(v).strip()]
    if any(len(i) > 64 for i in items):
        raise ValidationError(
            "每项最多 64 字。", "Each entry is at most 64 characters.", field=field
        )
    if len(items) > 50:
        raise ValidationError("最多 50 项。", "At most 50 entries.", field=field)
    return list(dict.fromkeys(items))


def _medicines(value: Sequence[Any] | None) -> list[dict[str, Any]]:
    """Regular medicines in the contract's shape; each refused entry names the problem."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for raw in value or []:
        try:
            med = Medicine.of(raw)
        except (ValueError, TypeError, AttributeError):
            raise ValidationError(
                "上次取药日期格式应为 YYYY-MM-DD。",
                "The last dispensing date is YYYY-MM-DD.",
                field="medicines",
            ) from None
        if not med.name:
            continue
        if len(med.name) > 64 or len(med.dose) > 32:
            raise ValidationError(
                "药名最多 64 字，用法用量最多 32 字。",
                "A medicine name is at most 64 characters, its dose at most 32.",
                field="medicines",
            )
        if med.days_supply is not None and not (
            isinstance(med.days_supply, int) and 1 <= med.days_supply <= 366
        ):
            raise ValidationError(
                "可用天数应为 1 到 366 之间的整数。",
                "The days' supply is a whole number from 1 to 366.",
                field="medicines",
            )
        if med.name in seen:
            continue
        seen.add(med.name)
        out.append(med.as_payload())
    if len(out) > 50:
        raise ValidationError("最多 50 项。", "At most 50 entries.", field="medicines")
    return out


def _record(member_id: str, data: Mapping[str, Any], consent: bool) -> HealthRecord:
    return HealthRecord(
        member_id,
        tuple(data.get("allergies", [])),
        tuple(data.get("chronic", [])),
        tuple(Medicine.of(m) for m in data.get("medicines", [])),
        consent=consent,
    )


def write_health(
    s: Any,
    ctx: ServiceContext,
    actor: Actor,
    member_id: str,
    health: dict[str, list[Any]],
    now: dt.datetime,
) -> None:
    """In the caller's transaction: queue the health update for HQ, cache it encrypted, and
    audit which parts were recorded (their counts, never their content)."""
    op = queue_op(
        s,
        ctx,
        actor,
        "member.update",
        {"member_id": member_id, "changes": {"health": health}},
        now,
        member_id=member_id,
    )
    effects.set_health(s, ctx.cipher, member_id, health)
    audit.record(
        s,
        actor,
        "health.record",
        now,
        member_id=member_id,
        counts={k: len(v) for k, v in health.items()},
        op=op.op_id,
    )


def record_health(
    ctx: ServiceContext,
    actor: Actor,
    member_id: str,
    allergies: Sequence[str],
    chronic: Sequence[str],
    medicines: Sequence[str | Medicine | Mapping[str, Any]],
) -> HealthRecord:
    """Replace the member's health information (service and manager roles, with consent).

    A medicine is a :class:`Medicine` (or just its name). The audit entry says which parts
    were recorded, never their content: the audit table is not encrypted.
    """
    require_role(actor, HEALTH_ROLES, "记录健康信息", "record health information")
    health: dict[str, list[Any]] = {
        "allergies": _items(allergies, "allergies"),
        "chronic": _items(chronic, "chronic"),
        "medicines": _medicines(medicines),
    }
    now = ctx.now()
    with ctx.db.write() as s:
        member = active_member(s, member_id)
        if not _consent_on_file(s, member):
            raise ValidationError(
                "会员尚未单独同意收集健康信息，请先记录同意。",
                "The member has not given separate consent to health information; "
                "record the consent first.",
                field="consent",
                detail="consent_required",
            )
        write_health(s, ctx, actor, member_id, health, now)
    return _record(member_id, health, consent=True)


def read_health(ctx: ServiceContext, actor: Actor, member_id: str) -> HealthRecord:
    """The member's health information, decrypted for a service or manager operator.

    The view is audited in the same transaction that reads it: no unrecorded views.
    """
    require_role(actor, HEALTH_ROLES, "查看健康信息", "see health information")
    now = ctx.now()
    with ctx.db.write() as s:
        member = active_member(s, member_id)
        consent = _consent_on_file(s, member)
        data: dict[str, Any] = {}
        if member.health_enc is not None:
            data = ctx.cipher.decrypt(member_id, member.health_enc)
        audit.record(s, actor, "health.view", now, member_id=member_id, what="record")
    return _record(member_id, data, consent)


def consents_of(ctx: ServiceContext, actor: Actor, member_id: str) -> dict[str, bool | None]:
    """Each purpose's latest consent, recorded here or (1.1) at another store as HQ's
    member record says (None: none known to this counter).

    Health falls back to HQ's word (health sent means consent); outreach lists include a
    member only when ``marketing`` is True here.
    """
    with ctx.db.read() as s:
        member = active_member(s, member_id)
        out: dict[str, bool | None] = {}
        for purpose in contract.CONSENT_PURPOSES:
            latest = s.scalar(
                select(Consent.granted)
                .where(Consent.member_id == member_id, Consent.purpose == purpose)
                .order_by(Consent.recorded_at.desc(), Consent.id.desc())
                .limit(1)
            )
            out[purpose] = None if latest is None else bool(latest)
        if out[HEALTH_PURPOSE] is None and member.health_enc is not None:
            out[HEALTH_PURPOSE] = True
        return out


def bind_card(
    ctx: ServiceContext,
    actor: Actor,
    member_id: str,
    card_no: str,
    replaces: str | None = None,
) -> MemberView:
    """Give the member a (new) card; ``replaces`` retires their old one (lost, worn)."""
    card_no = card_no.strip()
    if not is_card_no(card_no):
        raise ValidationError(
            "卡号无效（须 16 位且校验位正确）。",
            "The card number is invalid (16 digits, check digit).",
            field="card_no",
        )
    now = ctx.now()
    with ctx.db.write() as s:
        active_member(s, member_id)
        holder = effects.card_holder(s, card_no)
        if holder is not None:
            raise ValidationError(
                "该卡号已被使用。" if holder != member_id else "该卡已绑定此会员。",
                "This card number is already in use."
                if holder != member_id
                else "This card is already this member's.",
                field="card_no",
            )
        if replaces is not None:
            old = s.get(Card, replaces)
            if old is None or old.member_id != member_id:
                raise ValidationError(
                    "要替换的卡不属于该会员。",
                    "The card to replace is not this member's.",
                    field="replaces",
                )
        op = queue_op(
            s,
            ctx,
            actor,
            "card.bind",
            {"member_id": member_id, "card_no": card_no, "replaces": replaces},
            now,
            member_id=member_id,
        )
        effects.bind_card(s, member_id, card_no, replaces, now)
        audit.record(
            s, actor, "card.bind", now, member_id=member_id, replaces=replaces, op=op.op_id
        )
        return _view(s, ctx, actor, member_id)


@dataclass(frozen=True)
class Profile:
    """A member's profile in clear, for the F8 editor, with their cards and consents."""

    member_id: str
    form: MemberForm
    cards: tuple[str, ...]
    consents: Mapping[str, bool | None]


def open_profile(ctx: ServiceContext, actor: Actor, member_id: str) -> Profile:
    """The profile to edit (service and manager roles): shown in clear, so audited."""
    require_role(actor, HEALTH_ROLES, "编辑会员资料", "edit a member's profile")
    with ctx.db.write() as s:
        member = active_member(s, member_id)
        form = MemberForm(
            name=member.name,
            phone=member.phone,
            gender=member.gender or "",
            birthday=member.birthday,
            email=member.email or "",
            address=member.address or "",
            education=member.education,
            income=member.income,
            marital_status=member.marital_status,
        )
        cards = tuple(
            s.scalars(
                select(Card.card_no).where(Card.member_id == member_id, Card.status == "active")
            )
        )
        audit.record(s, actor, "profile.view", ctx.now(), member_id=member_id)
    return Profile(member_id, form, cards, consents_of(ctx, actor, member_id))
