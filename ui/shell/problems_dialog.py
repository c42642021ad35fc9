"""The problems list: operations HQ rejected, for a store manager to retry or dismiss.

Everything goes through ``counter.services`` in the task runner: the list itself is
manager-only and each look at it is audited there, as is every retry and dismissal. After a
decision the list reloads and ``changed`` tells the window (status bar counts, one more
sync: a retried operation is a new pending one).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
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
from counter.errors import KnownError
from counter.services.problems import EARN_REFUSALS
from ui.shell.problems_model import (
    REASON,
    ProblemsModel,
    ProblemsPage,
    ViewRole,
    load_problems,
    reason_label,
)
from ui.shell.style import set_state
from ui.shell.tasks import BaseRunner


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
        if view.code == "reward_daily_limit":
            return self.tr(
                "{0} is limited to {1} a day per member, and this member had reached it at "
                "another store that day. Check with the member and dismiss."
            ).format(details.get("reward", "—"), details.get("limit", "—"))
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
