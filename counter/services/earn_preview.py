"""The earn dialog's live preview (F3): what the typed sale earns, and why, before booking.

The cashier types the receipt's total and what medical insurance paid (personal account,
pooled fund) and the excluded lines; self-paid is what is left. This module turns those
texts into the sale's lines and tenders, refuses bad amounts field by field, and explains
the points with ``counter.rules.explain_earn`` — the very computation ``earn_points``
books and HQ checks, over the same cached rules and the member's cached tier and birthday,
at the counter's time. So the figure shown is the figure booked (docs/points.md).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from counter import codes, rules
from counter.errors import ValidationError
from counter.services.config import current_rules
from counter.services.context import Actor, ServiceContext
from counter.services.ops import active_member
from counter.store.models import PointsEntry

if TYPE_CHECKING:
    from counter.services.points import PointsResult

MAX_SALE_FEN = 10_000_000  # ¥100,000: above that a typing slip is far likelier than a sale
AMOUNT_FIELDS = ("total", "insurance_personal", "insurance_pooled", "excluded")
RECEIPT_MAX = 64
_AMOUNT_RE = re.compile(r"^\d+(?:\.(\d*))?$")
# The self-paid part is one tender: the counter does not see the POS's cash / card / mobile
# split, and every self-paid kind earns alike (counter.contract.SELF_PAID_TENDERS).
SELF_PAID_KIND = "cash"
GENERAL_CATEGORY = "general"


@dataclass(frozen=True)
class EarnForm:
    """What the cashier typed: amounts in yuan as text, empty meaning zero."""

    member_id: str
    receipt_no: str
    total: str
    insurance_personal: str = ""
    insurance_pooled: str = ""
    excluded: str = ""


@dataclass(frozen=True)
class EarlierEarn:
    """The receipt already earned here: when, at which store, how many points."""

    at: dt.datetime
    store_code: str
    points: int


@dataclass(frozen=True)
class EarnPreview:
    """The sale as the counter will book it, or why not yet (``errors`` by field)."""

    total_fen: int = 0
    insurance_personal_fen: int = 0
    insurance_pooled_fen: int = 0
    excluded_fen: int = 0
    self_paid_fen: int = 0
    explanation: rules.EarnExplanation | None = None
    yuan_per_point: int = 1
    tier: str = "basic"
    errors: dict[str, ValidationError] = field(default_factory=dict)
    # Required fields still empty: said only when the cashier tries to book.
    missing: dict[str, ValidationError] = field(default_factory=dict)
    lines: tuple[dict[str, Any], ...] = ()
    tenders: tuple[dict[str, Any], ...] = ()
    earlier: EarlierEarn | None = None

    @property
    def points(self) -> int:
        return self.explanation.points if self.explanation is not None else 0

    @property
    def ready(self) -> bool:
        return not self.errors and not self.missing and self.explanation is not None


def parse_yuan(text: str, name: str) -> int:
    """An amount typed in yuan ("12", "12.5", "12.50", full-width digits too) in fen.

    Refused with a message for the field: letters, a minus sign, more than two decimals,
    more than ¥100,000. Empty is zero.
    """
    raw = unicodedata.normalize("NFKC", text).strip().lstrip("¥").replace(",", "").strip()
    if not raw:
        return 0
    if raw.startswith("-"):
        raise ValidationError("金额不能为负数。", "An amount cannot be negative.", field=name)
    match = _AMOUNT_RE.match(raw)
    if match is None:
        raise ValidationError(
            "金额只能是数字，如 128.50。", "Type the amount in digits, e.g. 128.50.", field=name
        )
    decimals = match.group(1) or ""
    if len(decimals) > 2:
        raise ValidationError(
            "金额最多两位小数（角、分）。",
            "An amount has at most two decimals (fen).",
            field=name,
        )
    fen = int((Decimal(raw) * 100).to_integral_value())
    if fen > MAX_SALE_FEN:
        raise ValidationError(
            "金额不能超过 ¥100,000。", "An amount cannot be above ¥100,000.", field=name
        )
    return fen


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def sale_of(
    total_fen: int, personal_fen: int, pooled_fen: int, excluded_fen: int, excluded_category: str
) -> tuple[tuple[dict[str, Any], ...], tuple[dict[str, Any], ...]]:
    """The sale's lines and tenders for ``points.earn`` (zero amounts left out)."""
    lines: list[dict[str, Any]] = [
        {"category": excluded_category, "amount_fen": excluded_fen},
        {"category": GENERAL_CATEGORY, "amount_fen": total_fen - excluded_fen},
    ]
    tenders: list[dict[str, Any]] = [
        {"kind": SELF_PAID_KIND, "amount_fen": total_fen - personal_fen - pooled_fen},
        {"kind": "insurance_personal", "amount_fen": personal_fen},
        {"kind": "insurance_pooled", "amount_fen": pooled_fen},
    ]
    return (
        tuple(x for x in lines if x["amount_fen"] > 0),
        tuple(x for x in tenders if x["amount_fen"] > 0),
    )


def earlier_earn(s: Any, store_code: str, receipt_no: str) -> EarlierEarn | None:
    """This store's earn of the receipt that still counts (pending or booked), if any."""
    row = s.execute(
        select(PointsEntry.created_at, PointsEntry.store_code, PointsEntry.delta)
        .where(
            PointsEntry.receipt_no == receipt_no,
            PointsEntry.kind == "earn",
            PointsEntry.store_code == store_code,
            PointsEntry.state.in_(("pending", "applied")),
        )
        .order_by(PointsEntry.created_at)
        .limit(1)
    ).first()
    if row is None:
        return None
    return EarlierEarn(at=row[0], store_code=row[1], points=int(row[2]))


def already_earned_error(earlier: EarlierEarn) -> ValidationError:
    when = earlier.at.astimezone(rules.STORE_TZ).strftime("%Y-%m-%d %H:%M")
    return ValidationError(
        f"该小票已于 {when} 在 {earlier.store_code} 店积过 {earlier.points} 分，不能再积。",
        f"This receipt already earned {earlier.points} points on {when} at store "
        f"{earlier.store_code}; it cannot earn again.",
        field="receipt_no",
        detail="receipt_earned",
    )


def receipt_no_error(text: str) -> ValidationError | None:
    """The refusal of a receipt number that cannot be one, or None.

    A member's card (16 digits, Luhn-valid) or QR code (``CM1:``) scanned while F3 is open
    lands in the receipt field; booked as a receipt it would earn once under the card's
    number and block the real receipt nowhere. Pure (no cache), so the dialog can keep the
    cursor on the field the moment the scan arrives; ``preview_earn`` says it too."""
    receipt = text.strip()
    if not receipt:
        return None
    kind = codes.classify_scan(receipt).kind
    if kind == "card":
        return ValidationError(
            "这是会员卡号，不是小票号：请扫小票上的条码。",
            "That is a member's card number, not a receipt: scan the receipt's barcode.",
            field="receipt_no",
            detail="member_card_not_receipt",
        )
    if kind == "member_token":
        return ValidationError(
            "这是会员码，不是小票号：请扫小票上的条码。",
            "That is a member's QR code, not a receipt: scan the receipt's barcode.",
            field="receipt_no",
            detail="member_code_not_receipt",
        )
    if len(receipt) > RECEIPT_MAX or not receipt.isprintable():
        return ValidationError(
            "小票号不对：最多 64 个字符。",
            "That is not a receipt number (64 characters at most).",
            field="receipt_no",
        )
    return None


def preview_earn(ctx: ServiceContext, actor: Actor, form: EarnForm) -> EarnPreview:
    """What the form would earn now, part by part, or the refusal of each bad field."""
    del actor  # every role books points; the argument keeps the services' shape
    errors: dict[str, ValidationError] = {}
    missing: dict[str, ValidationError] = {}
    fen: dict[str, int] = {}
    for name in AMOUNT_FIELDS:
        try:
            fen[name] = parse_yuan(getattr(form, name), name)
        except ValidationError as exc:
            errors[name] = exc
            fen[name] = 0
    receipt = form.receipt_no.strip()
    if not receipt:
        missing["receipt_no"] = ValidationError(
            "请扫描或输入小票号。", "Scan or type the receipt number.", field="receipt_no"
        )
    elif (refused := receipt_no_error(receipt)) is not None:
        errors["receipt_no"] = refused
    total = fen["total"]
    if "total" not in errors and total == 0:
        missing["total"] = ValidationError(
            "请输入小票总额。", "Type the receipt's total.", field="total"
        )
    insured = fen["insurance_personal"] + fen["insurance_pooled"]
    if not errors.keys() & {"total", "insurance_personal", "insurance_pooled"} and insured > total:
        name = "insurance_pooled" if fen["insurance_pooled"] else "insurance_personal"
        errors[name] = ValidationError(
            f"医保支付合计 ¥{_yuan(insured)} 超过小票总额 ¥{_yuan(total)}。",
            f"Insurance paid ¥{_yuan(insured)} in all, more than the total ¥{_yuan(total)}.",
            field=name,
        )
    if not errors.keys() & {"total", "excluded"} and fen["excluded"] > total:
        errors["excluded"] = ValidationError(
            f"不积分商品 ¥{_yuan(fen['excluded'])} 超过小票总额 ¥{_yuan(total)}。",
            f"Excluded lines ¥{_yuan(fen['excluded'])} are more than the total ¥{_yuan(total)}.",
            field="excluded",
        )
    self_paid = max(0, total - insured)
    with ctx.db.read() as s:
        member = active_member(s, form.member_id)
        rule_set = current_rules(s, ctx).points
        earlier = earlier_earn(s, ctx.store_code, receipt) if receipt else None
        tier, birthday = member.tier, member.birthday
    if earlier is not None:
        errors["receipt_no"] = already_earned_error(earlier)
    excluded_category = min(rule_set.excluded_categories, default="prescription")
    lines, tenders = sale_of(
        total, fen["insurance_personal"], fen["insurance_pooled"], fen["excluded"],
        excluded_category,
    )  # fmt: skip
    explanation = None
    if lines and not errors.keys() & set(AMOUNT_FIELDS):
        explanation = rules.explain_earn(
            rule_set, lines=lines, tenders=tenders, tier=tier, birthday=birthday,
            sold_at=ctx.now(),
        )  # fmt: skip
    return EarnPreview(
        total_fen=total,
        insurance_personal_fen=fen["insurance_personal"],
        insurance_pooled_fen=fen["insurance_pooled"],
        excluded_fen=fen["excluded"],
        self_paid_fen=self_paid,
        explanation=explanation,
        yuan_per_point=rule_set.yuan_per_point,
        tier=tier,
        errors=errors,
        missing=missing,
        lines=lines,
        tenders=tenders,
        earlier=earlier,
    )


def earn_sale(ctx: ServiceContext, actor: Actor, form: EarnForm, shown_points: int) -> PointsResult:
    """Book what the dialog previewed, through ``earn_points``.

    ``shown_points`` is the figure the cashier told the member. If the preview now gives
    another (a sync brought new rules, midnight passed), nothing is booked: the dialog shows
    the new figure and the cashier confirms again. Points shown are points booked.
    """
    from counter.services.points import earn_points  # it imports this module too

    preview = preview_earn(ctx, actor, form)
    for problems in (preview.errors, preview.missing):
        for name in ("receipt_no", *AMOUNT_FIELDS):
            if name in problems:
                raise problems[name]
    if preview.points != shown_points:
        raise ValidationError(
            f"积分刚有变化：这笔现在积 {preview.points} 分，请再按回车确认。",
            f"The points just changed: this sale now earns {preview.points}; press Enter "
            "again to confirm.",
            field="points",
            detail="preview_changed",
        )
    return earn_points(
        ctx, actor, form.member_id, form.receipt_no, None, preview.lines, preview.tenders
    )
