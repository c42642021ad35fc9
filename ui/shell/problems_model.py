"""What the problems list shows: the labels of operations and refusals, the rows (each
member's name masked) and the table model. No widgets here, so the wording can be checked alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from counter import services
from counter.errors import NotFoundError
from counter.privacy import mask_name
from ui.shell.rows_model import RowsModel

TIME, OPERATION, REASON, CODE, MEMBER = range(5)
ViewRole = Qt.ItemDataRole.UserRole


def op_label(op_type: str) -> str:
    labels = {
        "member.register": QCoreApplication.translate("Problems", "Member registration"),
        "member.update": QCoreApplication.translate("Problems", "Member details changed"),
        "member.consent": QCoreApplication.translate("Problems", "Consent"),
        "card.bind": QCoreApplication.translate("Problems", "Card bound"),
        "points.earn": QCoreApplication.translate("Problems", "Points earned"),
        "points.redeem": QCoreApplication.translate("Problems", "Points redeemed"),
        "points.reverse": QCoreApplication.translate("Problems", "Points taken back (refund)"),
        "points.award": QCoreApplication.translate("Problems", "Activity points"),
        "complaint.create": QCoreApplication.translate("Problems", "New complaint"),
        "complaint.update": QCoreApplication.translate("Problems", "Complaint updated"),
    }
    return labels.get(op_type, op_type)


def reason_label(code: str) -> str:
    """HQ's refusal codes as a person reads them; HQ's own words are in the tooltip."""
    labels = {
        "phone_registered": QCoreApplication.translate(
            "Problems", "This phone number is already a member at HQ"
        ),
        "member_exists": QCoreApplication.translate("Problems", "HQ already has this member"),
        "member_not_found": QCoreApplication.translate("Problems", "HQ does not know this member"),
        "card_in_use": QCoreApplication.translate("Problems", "This card number is already in use"),
        "card_not_found": QCoreApplication.translate("Problems", "HQ does not know this card"),
        "consent_required": QCoreApplication.translate(
            "Problems", "The member's consent is missing"
        ),
        "receipt_already_earned": QCoreApplication.translate(
            "Problems", "This receipt has already earned points"
        ),
        "points_mismatch": QCoreApplication.translate(
            "Problems", "HQ computes different points for this sale"
        ),
        "unknown_rules_version": QCoreApplication.translate(
            "Problems", "HQ never had the points rules this sale names"
        ),
        "tier_not_held": QCoreApplication.translate(
            "Problems", "HQ never gave the member the tier this sale names"
        ),
        "insufficient_points": QCoreApplication.translate("Problems", "Not enough points at HQ"),
        "complaint_exists": QCoreApplication.translate("Problems", "HQ already has this complaint"),
        "complaint_not_found": QCoreApplication.translate(
            "Problems", "HQ does not know this complaint"
        ),
        "invalid_transition": QCoreApplication.translate(
            "Problems", "The complaint cannot move to that state"
        ),
        "store_mismatch": QCoreApplication.translate(
            "Problems", "The operation names another store"
        ),
        "idempotency_conflict": QCoreApplication.translate(
            "Problems", "HQ has another operation with this number"
        ),
        "invalid_field": QCoreApplication.translate("Problems", "HQ does not accept the contents"),
        "op_failed": QCoreApplication.translate("Problems", "HQ could not apply the operation"),
        "offline_cap_exceeded": QCoreApplication.translate(
            "Problems", "Booked, but beyond the daily offline redemption cap"
        ),
        "unknown_reward": QCoreApplication.translate(
            "Problems", "HQ's reward catalogue has no such reward"
        ),
        "reward_points_mismatch": QCoreApplication.translate(
            "Problems", "HQ's catalogue prices this reward differently"
        ),
        "reward_daily_limit": QCoreApplication.translate(
            "Problems", "Over the reward's daily limit for this member"
        ),
        "reverse_below_zero": QCoreApplication.translate(
            "Problems", "Refund booked; the member's points went below zero"
        ),
        "receipt_not_found": QCoreApplication.translate(
            "Problems", "HQ has no points earned on this receipt here"
        ),
        "receipt_other_member": QCoreApplication.translate(
            "Problems", "This receipt earned for another member"
        ),
        "already_reversed": QCoreApplication.translate(
            "Problems", "This receipt's points were already taken back"
        ),
        "refund_above_remaining": QCoreApplication.translate(
            "Problems", "More refunded than is left on the receipt"
        ),
        "unknown_award_reason": QCoreApplication.translate(
            "Problems", "HQ does not know this reason for activity points"
        ),
        "award_points_range": QCoreApplication.translate(
            "Problems", "Too many activity points for this reason"
        ),
        "award_limit_reached": QCoreApplication.translate(
            "Problems", "Activity points for this reason already given today"
        ),
        "unknown_op_type": QCoreApplication.translate(
            "Problems", "HQ does not know this kind of operation yet"
        ),
    }
    return labels.get(code, code)


@dataclass(frozen=True)
class ProblemRow:
    view: services.ProblemView
    member: str  # masked name, or "" when the member is not in the cache


@dataclass(frozen=True)
class ProblemsPage:
    rows: tuple[ProblemRow, ...]
    superseded_earns: int  # booked under rules HQ had replaced: shown, not a problem


def load_problems(ctx: services.ServiceContext, actor: services.Actor) -> ProblemsPage:
    """The open problems (audited by the service) with each member's masked name."""
    rows = []
    for view in services.list_problems(ctx, actor):
        member = ""
        if view.member_id:
            try:
                member = mask_name(services.get_member(ctx, actor, view.member_id).name)
            except NotFoundError:  # merged into HQ's member, or never cached
                member = ""
        rows.append(ProblemRow(view, member))
    return ProblemsPage(tuple(rows), services.superseded_earns(ctx, actor))


def local_time(when: dt.datetime) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


class ProblemsModel(RowsModel[ProblemRow]):
    columns = 5

    def headers(self) -> tuple[str, ...]:
        return (
            QCoreApplication.translate("Problems", "Time"),
            QCoreApplication.translate("Problems", "Operation"),
            QCoreApplication.translate("Problems", "Reason"),
            QCoreApplication.translate("Problems", "Code"),
            QCoreApplication.translate("Problems", "Member"),
        )

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        view = row.view
        if role == ViewRole:
            return view
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == TIME:
                return local_time(view.created_at)
            if column == OPERATION:
                return op_label(view.op_type)
            if column == REASON:
                return reason_label(view.code)
            if column == CODE:
                return view.code
            return row.member or "—"
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (REASON, CODE):
            return view.message
        return None
