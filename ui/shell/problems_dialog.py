"""The problems list: operations HQ rejected, for a store manager to retry or dismiss.

Everything goes through ``counter.services`` in the task runner: the list itself is
manager-only and each look at it is audited there, as is every retry and dismissal. After a
decision the list reloads and ``changed`` tells the window (status bar counts, one more
sync: a retried operation is a new pending one).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter import services
from counter.errors import KnownError, NotFoundError
from counter.privacy import mask_name
from counter.services.problems import EARN_REFUSALS
from ui.shell.style import set_state
from ui.shell.tasks import BaseRunner

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


class ProblemsModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: tuple[ProblemRow, ...] = ()

    def set_rows(self, rows: tuple[ProblemRow, ...]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            QCoreApplication.translate("Problems", "Time"),
            QCoreApplication.translate("Problems", "Operation"),
            QCoreApplication.translate("Problems", "Reason"),
            QCoreApplication.translate("Problems", "Code"),
            QCoreApplication.translate("Problems", "Member"),
        )[section]

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


class ProblemsDialog(QDialog):
    changed = Signal()  # a problem was retried or dismissed

    def __init__(
        self,
        ctx: services.ServiceContext,
        actor: services.Actor,
        runner: BaseRunner,
        *,
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("problemsDialog")
        self.setWindowTitle(self.tr("Sync problems"))
        self.ctx = ctx
        self.actor = actor
        self.runner = runner
        self.language = language
        self.busy = False
        self.loads = 0

        intro = QLabel(
            self.tr(
                "Operations HQ rejected. Retry sends one again as a new operation; "
                "Dismiss closes it and nothing is sent. Both are recorded in the audit log."
            )
        )
        intro.setObjectName("problemsIntro")
        intro.setWordWrap(True)
        self.model = ProblemsModel(self)
        self.table = QTableView()
        self.table.setObjectName("problemsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(REASON, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.detailLabel = QLabel()
        self.detailLabel.setObjectName("problemDetail")
        self.detailLabel.setWordWrap(True)
        self.detailLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.messageLabel = QLabel()
        self.messageLabel.setObjectName("problemsMessage")
        self.messageLabel.setWordWrap(True)
        self.supersededLabel = QLabel()
        self.supersededLabel.setObjectName("supersededEarns")
        self.supersededLabel.setWordWrap(True)
        self.supersededLabel.hide()

        self.noteEdit = QLineEdit()
        self.noteEdit.setObjectName("dismissNote")
        self.noteEdit.setPlaceholderText(self.tr("Note for dismissing (optional)"))
        self.noteEdit.setMaxLength(200)
        noteLabel = QLabel(self.tr("&Note:"))
        noteLabel.setObjectName("dismissNoteLabel")
        noteLabel.setBuddy(self.noteEdit)
        self.retryButton = QPushButton(self.tr("&Retry"))
        self.retryButton.setObjectName("retryButton")
        self.retryButton.setToolTip(self.tr("Send the operation again as a new one (Enter)"))
        self.retryButton.clicked.connect(self.retry)
        self.dismissButton = QPushButton(self.tr("&Dismiss"))
        self.dismissButton.setObjectName("dismissButton")
        self.dismissButton.setToolTip(self.tr("Close the problem; nothing is sent (Delete)"))
        self.dismissButton.clicked.connect(self.dismiss)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.setObjectName("problemsButtons")
        buttons.rejected.connect(self.reject)
        for button in (self.retryButton, self.dismissButton, *buttons.buttons()):
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)  # Enter in the note field must not act

        actions = QHBoxLayout()
        actions.addWidget(noteLabel)
        actions.addWidget(self.noteEdit, 1)
        actions.addWidget(self.retryButton)
        actions.addWidget(self.dismissButton)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detailLabel)
        layout.addLayout(actions)
        layout.addWidget(self.messageLabel)
        layout.addWidget(self.supersededLabel)
        layout.addWidget(buttons)

        context = Qt.ShortcutContext.WidgetShortcut
        for keys, slot in (
            ((Qt.Key.Key_Return, Qt.Key.Key_Enter), self.retry),
            ((Qt.Key.Key_Delete,), self.dismiss),
        ):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self.table, slot, context)
                shortcut.setObjectName(f"shortcut{key.name}")
        self.resize(980, 460)
        self._update_buttons()

    # -- loading --------------------------------------------------------------------------

    def reload(self) -> None:
        ctx, actor = self.ctx, self.actor
        self._set_busy(True)
        self.runner.submit(lambda: load_problems(ctx, actor), self._loaded, self._load_failed)

    def _loaded(self, page: ProblemsPage) -> None:
        rows = page.rows
        self.supersededLabel.setVisible(page.superseded_earns > 0)
        self.supersededLabel.setText(
            self.tr(
                "{0} sales earned points under rules HQ had already replaced; HQ booked "
                "the points shown at this counter."
            ).format(page.superseded_earns)
        )
        keep = self.current()
        self.model.set_rows(rows)
        self.loads += 1
        self._set_busy(False)
        if rows:
            ids = [r.view.id for r in rows]
            at = ids.index(keep.id) if keep is not None and keep.id in ids else 0
            self.table.selectRow(at)
            self.table.setFocus()
        else:
            self._selected()
            self.detailLabel.setText(self.tr("No open problems."))

    def current(self) -> services.ProblemView | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        view = self.model.data(index, ViewRole)
        return view if isinstance(view, services.ProblemView) else None

    @Slot()
    def _selected(self) -> None:
        view = self.current()
        self.detailLabel.setText("" if view is None else self.explain(view))
        self._update_buttons()

    def explain(self, view: services.ProblemView) -> str:
        """What happened and what to do, from the code and HQ's details; HQ's own words
        (English, from HQ) only for a refusal we have no words for."""
        details = view.details
        repointed = details.get("repointed")
        if view.code == "phone_registered" and isinstance(repointed, dict):
            return self.tr(
                "The customer is already HQ member {0}; this counter's operations for them "
                "were moved to that member. Check and dismiss."
            ).format(repointed.get("member_no", "—"))
        if view.code in EARN_REFUSALS and isinstance(details.get("expected"), int):
            return self.tr(
                "HQ's rules give {0} points for this sale. Retry sends it with HQ's points."
            ).format(details["expected"])
        if details.get("erased"):
            return self.tr(
                "HQ has erased this member (a deletion request or a merge); the operation "
                "keeps no personal data. Dismiss it."
            )
        if view.code == "offline_cap_exceeded":
            return self.tr(
                "HQ booked this redemption, but offline redemptions by this member here on {0} "
                "reached {1} points, over the daily cap of {2}. HQ reviews it; check and dismiss."
            ).format(
                details.get("day", "—"),
                details.get("redeemed_that_day", "—"),
                details.get("cap", "—"),
            )
        if not view.retryable:
            return self.tr("HQ would refuse this again; check it with the member and dismiss it.")
        if reason_label(view.code) == view.code:
            return self.tr("HQ says: {0}").format(view.message)
        return self.tr("Retry once the cause is fixed, or dismiss it.")

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._update_buttons()

    def _update_buttons(self) -> None:
        view = self.current()
        manager = self.actor.role == "manager"
        open_problem = view is not None and view.resolved_at is None
        can_act = manager and open_problem and not self.busy
        self.retryButton.setEnabled(can_act and view is not None and view.retryable)
        self.dismissButton.setEnabled(can_act)
        self.retryButton.setToolTip(self.tr("Send the operation again as a new one (Enter)"))

    # -- decisions ------------------------------------------------------------------------

    @Slot()
    def retry(self) -> None:
        view = self.current()
        if view is None or not self.retryButton.isEnabled():
            return
        ctx, actor = self.ctx, self.actor
        self._set_busy(True)
        self.runner.submit(
            lambda: services.retry_problem(ctx, actor, view.id),
            lambda _v: self._decided(self.tr("Retried: it is sent to HQ as a new operation.")),
            self._failed,
        )

    @Slot()
    def dismiss(self) -> None:
        view = self.current()
        if view is None or not self.dismissButton.isEnabled():
            return
        ctx, actor, note = self.ctx, self.actor, self.noteEdit.text()
        self._set_busy(True)
        self.runner.submit(
            lambda: services.dismiss_problem(ctx, actor, view.id, note),
            lambda _v: self._decided(self.tr("Dismissed.")),
            self._failed,
        )

    def _decided(self, message: str) -> None:
        self.noteEdit.clear()
        self._say(message, "ok")
        self.changed.emit()
        self.reload()

    def _load_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if not isinstance(exc, KnownError):
            self.runner.handle_error(exc, None)
            return
        self._say(exc.message(self.language), "problem")

    def _failed(self, exc: BaseException) -> None:
        """A refused decision; the list may be stale (a sync, another manager): reload it."""
        self._load_failed(exc)
        if isinstance(exc, KnownError):
            self.reload()

    def _say(self, text: str, tone: str) -> None:
        self.messageLabel.setText(text)
        set_state(self.messageLabel, "tone", tone)
