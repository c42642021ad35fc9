"""Refunds (退货) at the counter: take back what a receipt earned, in full or in part.

A refund names the receipt (from this counter's ``receipts`` cache: the amounts its points
came from) and either nothing (everything that is left) or the self-paid money refunded.
The points taken back are in proportion to that money (``counter.rules.reverse_points``,
the function HQ books with), so the receipt's own tier and promotions hold. One
transaction: the ledger entry (kind ``reverse``), the receipt's ``reversed_*``, the
``points.reverse`` op, the audit line. Offline it is booked pending like an earn; HQ
reverses at most what the receipt earned and flags a balance that goes below zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from counter import rules
from counter.errors import ValidationError
from counter.services import audit
from counter.services.context import Actor, ServiceContext
from counter.services.ops import active_member, queue_op
from counter.services.views import MemberView, fetch_view, raw_connection
from counter.store.models import PointsEntry, Receipt

MAX_REFUND_FEN = 100_000_000


class ReceiptNotFound(ValidationError):
    """No earn of this receipt for this member at this counter."""

    code = "unknown_receipt"


class NothingToReverse(ValidationError):
    """The receipt's points were already taken back in full."""

    code = "nothing_to_reverse"


class RefundAboveRemaining(ValidationError):
    """More self-paid money than is left of the receipt."""

    code = "refund_above_remaining"


@dataclass(frozen=True)
class ReceiptView:
    receipt_no: str
    member_id: str
    store_code: str
    sold_at: dt.datetime
    total_fen: int
    insurance_fen: int
    excluded_fen: int
    self_paid_fen: int
    eligible_fen: int
    points: int
    reversed_fen: int
    reversed_points: int

    @property
    def remaining_fen(self) -> int:
        """Self-paid money not refunded yet."""
        return max(0, self.self_paid_fen - self.reversed_fen)

    @property
    def remaining_points(self) -> int:
        return max(0, self.points - self.reversed_points)

    @property
    def fully_reversed(self) -> bool:
        return self.remaining_fen == 0


@dataclass(frozen=True)
class ReversePreview:
    receipt: ReceiptView
    refunded_fen: int
    points: int  # taken back (>= 0)
    full: bool


@dataclass(frozen=True)
class ReverseResult:
    op_id: str
    member_id: str
    receipt_no: str
    refunded_fen: int
    points: int  # as in the ledger: negative
    full: bool
    below_zero: bool  # the balance shown went below zero (HQ flags it too)
    receipt: ReceiptView
    member: MemberView


def _receipt_view(row: Receipt) -> ReceiptView:
    return ReceiptView(
        receipt_no=row.receipt_no,
        member_id=row.member_id,
        store_code=row.store_code,
        sold_at=row.sold_at,
        total_fen=row.total_fen,
        insurance_fen=row.insurance_fen,
        excluded_fen=row.excluded_fen,
        self_paid_fen=row.self_paid_fen,
        eligible_fen=row.eligible_fen,
        points=row.points,
        reversed_fen=row.reversed_fen,
        reversed_points=row.reversed_points,
    )


def get_receipt(ctx: ServiceContext, actor: Actor, receipt_no: str) -> ReceiptView | None:
    """A receipt that earned at this counter, with what refunds took back so far."""
    with ctx.db.read() as s:
        row = s.get(Receipt, receipt_no.strip())
        return _receipt_view(row) if row is not None else None


def member_receipts(
    ctx: ServiceContext, actor: Actor, member_id: str, limit: int = 50
) -> tuple[ReceiptView, ...]:
    """The member's receipts that earned at this counter, newest first."""
    with ctx.db.read() as s:
        rows = s.scalars(
            select(Receipt)
            .where(Receipt.member_id == member_id)
            .order_by(Receipt.sold_at.desc(), Receipt.receipt_no.desc())
            .limit(limit)
        )
        return tuple(_receipt_view(r) for r in rows)


def _plan(
    s: Any, member_id: str, receipt_no: str, refunded_self_paid_fen: int | None
) -> tuple[Receipt, ReversePreview]:
    """The receipt and what refunding it would do; the typed refusals."""
    receipt_no = receipt_no.strip()
    row = s.get(Receipt, receipt_no) if receipt_no else None
    if row is None or row.member_id != member_id or not _earn_counted(s, receipt_no):
        raise ReceiptNotFound(
            "本机没有该会员这张小票的积分记录。",
            "This counter has no earn of this receipt for this member.",
            field="receipt_no",
            detail=receipt_no,
        )
    view = _receipt_view(row)
    if view.fully_reversed:
        raise NothingToReverse(
            "这张小票的积分已全部退回。",
            "This receipt's points have already been taken back in full.",
            field="receipt_no",
            detail=receipt_no,
        )
    full = refunded_self_paid_fen is None
    refund = view.remaining_fen if refunded_self_paid_fen is None else refunded_self_paid_fen
    if not isinstance(refund, int) or isinstance(refund, bool) or refund < 1:
        raise ValidationError(
            "退款金额须大于零。",
            "The refunded amount must be more than zero.",
            field="refunded_self_paid_fen",
        )
    if refund > view.remaining_fen:
        raise RefundAboveRemaining(
            f"退款金额超过小票剩余自付金额 ¥{view.remaining_fen / 100:.2f}。",
            f"More than the receipt's self-paid amount left (¥{view.remaining_fen / 100:.2f}).",
            field="refunded_self_paid_fen",
            detail=str(view.remaining_fen),
        )
    full = full or refund == view.remaining_fen
    points = rules.reverse_points(
        points=view.points,
        self_paid_fen=view.self_paid_fen,
        reversed_fen=view.reversed_fen,
        reversed_points=view.reversed_points,
        refund_fen=refund,
    )
    return row, ReversePreview(view, refund, points, full)


def _earn_counted(s: Any, receipt_no: str) -> bool:
    """The receipt's earn stands (pending or applied), not refused by HQ."""
    return (
        s.scalar(
            select(PointsEntry.id).where(
                PointsEntry.receipt_no == receipt_no,
                PointsEntry.kind == "earn",
                PointsEntry.state.in_(("pending", "applied")),
            )
        )
        is not None
    )


def preview_reverse(
    ctx: ServiceContext,
    actor: Actor,
    member_id: str,
    receipt_no: str,
    refunded_self_paid_fen: int | None,
) -> ReversePreview:
    """What :func:`reverse_points` would take back; the same refusals, nothing written."""
    with ctx.db.read() as s:
        return _plan(s, member_id, receipt_no, refunded_self_paid_fen)[1]


def reverse_points(
    ctx: ServiceContext,
    actor: Actor,
    member_id: str,
    receipt_no: str,
    refunded_self_paid_fen: int | None,
) -> ReverseResult:
    """Take back a receipt's points for a refund: all that is left (None) or in proportion
    to the self-paid money refunded. Any role may: the cashier does the refund."""
    now = ctx.now()
    with ctx.db.write() as s:
        active_member(s, member_id)
        row, plan = _plan(s, member_id, receipt_no, refunded_self_paid_fen)
        op = queue_op(
            s,
            ctx,
            actor,
            "points.reverse",
            {
                "member_id": member_id,
                "receipt_no": row.receipt_no,
                "refunded_fen": plan.refunded_fen,
                "full": plan.full,
                "points": plan.points,
            },
            now,
            member_id=member_id,
        )
        s.add(
            PointsEntry(
                id=op.op_id,
                member_id=member_id,
                delta=-plan.points,
                kind="reverse",
                receipt_no=row.receipt_no,
                store_code=ctx.store_code,
                created_at=now,
                state="pending",
                offline=False,
            )
        )
        row.reversed_fen += plan.refunded_fen
        row.reversed_points += plan.points
        s.flush()
        audit.record(
            s,
            actor,
            "points.reverse",
            now,
            member_id=member_id,
            receipt_no=row.receipt_no,
            refunded_fen=plan.refunded_fen,
            points=plan.points,
            op=op.op_id,
        )
        view = fetch_view(raw_connection(s), ctx, actor, "id", member_id)
        assert view is not None, "the member was checked in this transaction"
        return ReverseResult(
            op.op_id,
            member_id,
            row.receipt_no,
            plan.refunded_fen,
            -plan.points,
            plan.full,
            view.points_shown < 0,
            _receipt_view(row),
            view,
        )
