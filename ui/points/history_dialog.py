"""F7: the member's points history, keyboard first, the member masked.

Newest first: date, store, kind, receipt or reward or reason, points, state and HQ's
balance after each entry HQ booked (``counter.services.points_history``). Above the table:
the balance (HQ's and this counter's pending part), the tier and how far the next one is,
and the points expiring soon. The arrows move through the rows; on a sale, Ctrl+T opens the
refund (退货); Shift+F7 awards activity points (service assistants and managers; a
cashier is told why not). Esc closes. The history is read in the task runner.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter import services
from counter.errors import KnownError
from ui.member.member_panel import format_yuan
from ui.points.history_model import REF, HistoryModel, RowRole, row_tooltip
from ui.shell.labels import tier_label
from ui.shell.tasks import BaseRunner

AWARD_ROLES = ("service", "manager")  # DESIGN §5; the service checks it again
REFUND_KEY = "Ctrl+T"  # 退 (tuì): take a sale's points back
AWARD_KEY = "Shift+F7"  # beside F7: points for an activity


class HistoryDialog(QDialog):
    """``changed`` carries the member's new view after a refund or an award."""

    changed = Signal(object)

    def __init__(
        self,
        ctx: services.ServiceContext,
        actor: services.Actor,
        runner: BaseRunner,
        member_id: str,
        *,
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pointsHistoryDialog")
        self.setWindowTitle(self.tr("Points history"))
        self.ctx, self.actor, self.runner, self.language = ctx, actor, runner, language
        self.member_id = member_id
        self.history: services.PointsHistory | None = None
        self.loads = 0
        # Opening the refund and award dialogs: set by whoever builds this one (the main
        # window), so this module needs neither; None: the key says it is not available.
        self.open_refund: Callable[[HistoryDialog, services.HistoryRow], None] | None = None
        self.open_award: Callable[[HistoryDialog], None] | None = None
        self._after_load: str | None = None  # what a booking says once the rows are back
        self.refundDialog: QDialog | None = None  # the last ones opened, for tests and people
        self.awardDialog: QDialog | None = None

        self.memberLabel = self._label("historyMember")
        self.balanceLabel = self._label("historyBalance")
        self.tierLabel = self._label("historyTier")
        self.expiringLabel = self._label("historyExpiring")
        self.expiringLabel.setWordWrap(True)
        # Read across the counter: the member and the balance large, what expires in amber.
        self.memberLabel.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.balanceLabel.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.tierLabel.setStyleSheet("font-size: 12pt;")
        self.expiringLabel.setStyleSheet("color: #8a6d00;")
        self.model = HistoryModel(self)
        self.table = QTableView()
        self.table.setObjectName("historyTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(REF, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.detailLabel = self._label("historyDetail")
        self.detailLabel.setWordWrap(True)
        self.messageLabel = self._label("historyMessage")
        self.messageLabel.setWordWrap(True)

        self.refundButton = QPushButton(self.tr("Refund (Ctrl+T)"))
        self.refundButton.setObjectName("refundButton")
        self.refundButton.setToolTip(self.tr("Take back the points of the chosen sale (退货)"))
        self.refundButton.clicked.connect(self.refund)
        self.awardButton = QPushButton(self.tr("Activity points (Shift+F7)"))
        self.awardButton.setObjectName("awardButton")
        self.awardButton.setToolTip(
            self.tr("Award points for an activity (service assistants and store managers)")
        )
        self.awardButton.clicked.connect(self.award)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.setObjectName("historyButtons")
        buttons.rejected.connect(self.reject)
        for button in (self.refundButton, self.awardButton, *buttons.buttons()):
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)

        top = QHBoxLayout()
        top.addWidget(self.memberLabel, 1)
        top.addWidget(self.balanceLabel)
        second = QHBoxLayout()
        second.addWidget(self.tierLabel, 1)
        second.addWidget(self.expiringLabel)
        actions = QHBoxLayout()
        actions.addWidget(self.refundButton)
        actions.addWidget(self.awardButton)
        actions.addStretch(1)
        actions.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detailLabel)
        layout.addWidget(self.messageLabel)
        layout.addLayout(actions)

        for keys, slot, name in (
            (REFUND_KEY, self.refund, "refundShortcut"),
            (AWARD_KEY, self.award, "awardShortcut"),
        ):
            shortcut = QShortcut(QKeySequence(keys), self, slot)
            shortcut.setObjectName(name)
        self.resize(900, 560)
        self.reload()

    @staticmethod
    def _label(name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        return label

    # -- loading ---------------------------------------------------------------------------------

    def reload(self) -> None:
        member_id = self.member_id
        self.runner.submit(
            lambda: services.points_history(self.ctx, self.actor, member_id),
            self._loaded,
            self._failed,
        )

    def _loaded(self, history: object) -> None:
        assert isinstance(history, services.PointsHistory)
        # The same row again, or the newest after a booking (the entry just made).
        row = 0 if self._after_load is not None else max(0, self.table.currentIndex().row())
        self.history = history
        self.loads += 1
        view = history.member
        self.memberLabel.setText(
            self.tr("{0} · member no. {1}").format(view.name, view.member_no or "—")
        )
        self.tierLabel.setText(self.tier_text(history))
        self.balanceLabel.setText(self.balance_text(history))
        self.expiringLabel.setText(self.expiring_text(history))
        self.expiringLabel.setVisible(bool(history.expiring))
        self.model.set_rows(history.rows, self.names(history))
        if history.rows:
            self.table.selectRow(min(row, len(history.rows) - 1))
        else:
            self.detailLabel.setText(self.tr("No points entries yet."))
        if self._after_load is not None:
            self.messageLabel.setText(self._after_load)
            self._after_load = None
        self.table.setFocus()

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, KnownError):
            raise exc
        self.messageLabel.setText(exc.message(self.language))

    # -- texts -------------------------------------------------------------------------------

    def balance_text(self, history: services.PointsHistory) -> str:
        if history.pending_points == 0:
            return self.tr("Balance {0:,} (HQ)").format(history.hq_points)
        return self.tr("Balance {0:,} (HQ {1:,} {2} {3:,} pending)").format(
            history.points_shown,
            history.hq_points,
            "+" if history.pending_points > 0 else "−",
            abs(history.pending_points),
        )

    def tier_text(self, history: services.PointsHistory) -> str:
        tier = tier_label(history.member.tier)
        progress = history.progress
        if progress is None:
            return tier
        if progress.next_tier is None:
            return self.tr("{0} · the highest tier").format(tier)
        return self.tr("{0} · spend {1} more for {2}").format(
            tier, format_yuan(progress.remaining_fen), tier_label(progress.next_tier)
        )

    def names(self, history: services.PointsHistory) -> dict[tuple[str, str], str]:
        """What the table shows for a reward's or a reason's code, in this language."""
        zh = self.language.startswith("zh")
        out = {("redeem", code): name for code, name in history.reward_names.items()}
        for code, reason in history.award_reasons.items():
            out[("award", code)] = reason.name_zh if zh else reason.name_en
        return out

    def expiring_text(self, history: services.PointsHistory) -> str:
        return "；".join(
            self.tr("{0:,} points expire on {1}").format(e.points, e.expires_on.isoformat())
            for e in history.expiring
        )

    # -- the chosen row ----------------------------------------------------------------------

    def current_row(self) -> services.HistoryRow | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        row = self.model.data(index, RowRole)
        return row if isinstance(row, services.HistoryRow) else None

    @Slot()
    def _selected(self) -> None:
        row = self.current_row()
        self.messageLabel.clear()
        if row is None:
            self.detailLabel.clear()
            return
        self.detailLabel.setText(row_tooltip(row))
        self.refundButton.setEnabled(row.refundable)

    @Slot()
    def refund(self) -> None:
        """Ctrl+T on a sale of this store: the refund dialog; otherwise say why not."""
        row = self.current_row()
        if row is None or row.kind != "earn":
            self.messageLabel.setText(self.tr("Choose a sale (arrows), then press Ctrl+T."))
            return
        if row.state == "rejected":
            self.messageLabel.setText(self.tr("HQ rejected this sale: it has no points to refund."))
            return
        if row.store_code != self.ctx.store_code:
            self.messageLabel.setText(self.tr("A sale of another store is refunded there."))
            return
        if not row.refundable:
            self.messageLabel.setText(self.tr("This sale's points have been taken back in full."))
            return
        if self.open_refund is None:
            self.messageLabel.setText(self.tr("Refunds are not available on this counter."))
            return
        self.open_refund(self, row)

    @Slot()
    def award(self) -> None:
        """Shift+F7: award activity points (service assistants and managers)."""
        if self.actor.role not in AWARD_ROLES:
            self.messageLabel.setText(
                self.tr(
                    "Only a service assistant or store manager may award activity points; "
                    "ask one to sign in (Ctrl+L)."
                )
            )
            return
        if self.open_award is None:
            self.messageLabel.setText(self.tr("Activity points are not available on this counter."))
            return
        self.open_award(self)

    def close_children(self) -> None:
        """The refund or award over this history (before another opens, and on lock)."""
        for child in (self.refundDialog, self.awardDialog):
            if child is not None and child.isVisible():
                child.close()
        self.refundDialog = self.awardDialog = None

    def booked(self, view: services.MemberView, message: str) -> None:
        """A refund or an award was saved: reload, say so over the new rows, tell the window."""
        self._after_load = message
        self.reload()
        self.changed.emit(view)
