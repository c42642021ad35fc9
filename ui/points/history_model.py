"""What F7's table shows: the labels of kinds and states and the rows of the history.

No widgets here, so the wording can be checked alone (ui/shell/problems_model.py does the
same for the problems list).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QWidget

from counter import services
from counter.services.points_history import expiry_date
from ui.member.member_panel import format_yuan
from ui.shell.problems_model import reason_label
from ui.shell.rows_model import RowsModel

DATE, STORE, KIND, REF, POINTS, STATE, BALANCE = range(7)
RowRole = Qt.ItemDataRole.UserRole
REJECTED_FG = QColor("#b00020")
PENDING_FG = QColor("#8a6d00")


def kind_label(kind: str) -> str:
    labels = {
        "earn": QCoreApplication.translate("PointsHistory", "Sale"),
        "redeem": QCoreApplication.translate("PointsHistory", "Redeemed"),
        "reverse": QCoreApplication.translate("PointsHistory", "Refund"),
        "award": QCoreApplication.translate("PointsHistory", "Activity"),
        "referral": QCoreApplication.translate("PointsHistory", "Referral"),
        "expire": QCoreApplication.translate("PointsHistory", "Expired"),
        "elsewhere": QCoreApplication.translate("PointsHistory", "Other stores / HQ"),
        "carried": QCoreApplication.translate("PointsHistory", "Earlier balance"),
    }
    return labels.get(kind, kind)


def state_label(state: str) -> str:
    labels = {
        "pending": QCoreApplication.translate("PointsHistory", "Pending"),
        "applied": QCoreApplication.translate("PointsHistory", "Booked"),
        "rejected": QCoreApplication.translate("PointsHistory", "Rejected"),
    }
    return labels.get(state, state)


def signed(points: int) -> str:
    return f"+{points:,}" if points > 0 else f"−{-points:,}" if points < 0 else "0"


def row_tooltip(row: services.HistoryRow) -> str:
    """What a row does not show in its cells: why HQ refused it, when its points expire,
    what a refund took back, what an inferred row means."""
    if row.state == "rejected":
        text = reason_label(row.reject_code) if row.reject_code else ""
        return "\n".join(t for t in (text, row.note) if t)
    if row.kind == "elsewhere":
        return QCoreApplication.translate(
            "PointsHistory",
            "Points HQ booked elsewhere in between: sales at other stores, activity or "
            "referral points, expiry.",
        )
    if row.kind == "carried":
        return QCoreApplication.translate(
            "PointsHistory", "The balance at HQ before the first entry of this counter shown."
        )
    lines = []
    if row.note:
        lines.append(row.note)
    if row.refunded_fen is not None:
        lines.append(
            QCoreApplication.translate("PointsHistory", "Refunded self-paid amount: {0}").format(
                format_yuan(row.refunded_fen)
            )
        )
    if row.reversed_points:
        lines.append(
            QCoreApplication.translate(
                "PointsHistory", "Refunds took back {0:,} points of it"
            ).format(row.reversed_points)
        )
    expires = expiry_date(row)
    if expires is not None:
        lines.append(
            QCoreApplication.translate("PointsHistory", "Its points expire on {0}").format(
                expires.isoformat()
            )
        )
    return "\n".join(lines)


class HistoryModel(RowsModel[services.HistoryRow]):
    """The history's rows, newest first, as the core gave them."""

    columns = 7

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.names: dict[tuple[str, str], str] = {}

    def set_rows(
        self, rows: tuple[services.HistoryRow, ...], names: dict[tuple[str, str], str] | None = None
    ) -> None:
        """``names``: what to show for a (kind, code) in the ref column (rewards, reasons)."""
        self.beginResetModel()
        self.rows = rows
        self.names = names or {}
        self.endResetModel()

    def headers(self) -> tuple[str, ...]:
        return (
            QCoreApplication.translate("PointsHistory", "Date"),
            QCoreApplication.translate("PointsHistory", "Store"),
            QCoreApplication.translate("PointsHistory", "Kind"),
            QCoreApplication.translate("PointsHistory", "Receipt / reward / reason"),
            QCoreApplication.translate("PointsHistory", "Points"),
            QCoreApplication.translate("PointsHistory", "State"),
            QCoreApplication.translate("PointsHistory", "Balance at HQ"),
        )

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == RowRole:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row_tooltip(row) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (POINTS, BALANCE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.state == "rejected":
                return QBrush(REJECTED_FG)
            if row.state == "pending":
                return QBrush(PENDING_FG)
        return None

    def _text(self, row: services.HistoryRow, column: int) -> str:
        if column == DATE:
            return row.at.astimezone().strftime("%Y-%m-%d %H:%M") if row.at else "…"
        if column == STORE:
            return row.store_code or "—"
        if column == KIND:
            return kind_label(row.kind)
        if column == REF:
            return self.names.get((row.kind, row.ref), row.ref) or "—"
        if column == POINTS:
            return signed(row.points)
        if column == STATE:
            return state_label(row.state)
        if row.balance is None:
            return "—"
        return f"{row.balance:,}"
