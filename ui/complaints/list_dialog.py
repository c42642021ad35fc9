"""F11: the complaints list and its follow-through (service assistants and store managers).

Soonest due first; filters for state, severity, category, overdue and "mine", and a search
by number, phone tail or words (all done in the core, in SQL). Overdue rows stand out; a
complaint HQ changed says so. The detail below the list shows the timeline and offers only
the moves legal from the current state: resolving needs the resolution in the note field,
escalating a reason; the follow-up visit (回访) is recorded once it is resolved; closing needs
one, or a manager's override with the reason in the note field.

Keys: Ctrl+F search, Up/Down in the list, Enter from the list to the note field, Ctrl+1…4
for the moves (handle, resolve, escalate, close), Ctrl+U the follow-up, Ctrl+O overdue only,
Ctrl+M mine, Ctrl+R shows the customer's name and phone (audited).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter import contract, services
from counter.errors import KnownError
from ui.complaints.labels import (
    category_label,
    method_label,
    severity_label,
    state_label,
    when,
)
from ui.shell.tasks import BaseRunner

COLUMNS = ("number", "due", "state", "severity", "category", "customer", "hq")
OVERDUE_BG = QColor("#fde2e1")
OVERDUE_FG = QColor("#9b1c1c")
OPEN = "open"


class ComplaintsDialog(QDialog):
    """The desk. ``changed`` after each saved change (the window may sync sooner)."""

    changed = Signal()

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
        self.setObjectName("complaintsDialog")
        self.setWindowTitle(self.tr("Complaints"))
        self.ctx, self.actor, self.runner, self.language = ctx, actor, runner, language
        self.rows: tuple[services.ComplaintView, ...] = ()
        self.current: services.ComplaintView | None = None
        self._followup_for = ""  # open_followup: the complaint whose visit is to be recorded
        self.names = {a.operator_id: a.name for a in services.list_operators(ctx)}

        splitter = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(self._filters())
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("complaintTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Number"),
                self.tr("Due"),
                self.tr("State"),
                self.tr("Severity"),
                self.tr("Category"),
                self.tr("Customer"),
                self.tr("HQ"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.currentCellChanged.connect(self._row_changed)
        top_layout.addWidget(self.table, 1)
        splitter.addWidget(top)
        splitter.addWidget(self._detail())
        splitter.setSizes([380, 340])
        self.status = QLabel()
        self.status.setObjectName("complaintsStatus")
        self.status.setWordWrap(True)
        self.countLabel = QLabel()
        self.countLabel.setObjectName("complaintsCount")
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.countLabel)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
        for keys, slot in (
            ("Ctrl+F", self.searchEdit.setFocus),
            ("Ctrl+R", self.reveal),
            ("Ctrl+O", self.overdueFilter.toggle),
            ("Ctrl+M", self.mineFilter.toggle),
            ("Ctrl+U", self.methodBox.setFocus),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)
        self.table.installEventFilter(self)
        self.resize(1000, 720)
        self.reload()
        self.searchEdit.setFocus()

    # -- building -------------------------------------------------------------------------------

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.searchEdit = QLineEdit()
        self.searchEdit.setObjectName("complaintSearch")
        self.searchEdit.setPlaceholderText(self.tr("Number, phone's last digits or words"))
        self.searchEdit.textChanged.connect(self.reload)
        self.searchEdit.returnPressed.connect(self._to_table)
        self.stateFilter = QComboBox()
        self.stateFilter.setObjectName("stateFilter")
        self.stateFilter.addItem(self.tr("Not closed"), OPEN)
        self.stateFilter.addItem(self.tr("All states"), "")
        for code in contract.COMPLAINT_STATES:
            self.stateFilter.addItem(state_label(code), code)
        self.severityFilter = QComboBox()
        self.severityFilter.setObjectName("severityFilter")
        self.severityFilter.addItem(self.tr("All severities"), "")
        for code in contract.COMPLAINT_SEVERITIES:
            self.severityFilter.addItem(severity_label(code), code)
        self.categoryFilter = QComboBox()
        self.categoryFilter.setObjectName("categoryFilter")
        self.categoryFilter.addItem(self.tr("All categories"), "")
        for code in contract.COMPLAINT_CATEGORIES:
            self.categoryFilter.addItem(category_label(code), code)
        self.overdueFilter = QCheckBox(self.tr("Overdue (Ctrl+O)"))
        self.overdueFilter.setObjectName("overdueFilter")
        self.mineFilter = QCheckBox(self.tr("Mine (Ctrl+M)"))
        self.mineFilter.setObjectName("mineFilter")
        for box in (self.stateFilter, self.severityFilter, self.categoryFilter):
            box.currentIndexChanged.connect(self.reload)
        for check in (self.overdueFilter, self.mineFilter):
            check.toggled.connect(self.reload)
        search = QLabel(self.tr("&Search:"))
        search.setBuddy(self.searchEdit)
        row.addWidget(search)
        row.addWidget(self.searchEdit, 2)
        for widget in (
            self.stateFilter,
            self.severityFilter,
            self.categoryFilter,
            self.overdueFilter,
            self.mineFilter,
        ):
            row.addWidget(widget)
        return row

    def _detail(self) -> QWidget:
        box = QGroupBox(self.tr("Complaint"))
        box.setObjectName("complaintDetail")
        layout = QVBoxLayout(box)
        self.headLabel = QLabel()
        self.headLabel.setObjectName("detailHead")
        self.headLabel.setWordWrap(True)
        self.headLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.revealButton = QPushButton(self.tr("Show name and phone (Ctrl+R)"))
        self.revealButton.setObjectName("revealCustomerButton")
        self.revealButton.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.revealButton.clicked.connect(self.reveal)
        head = QHBoxLayout()
        head.addWidget(self.headLabel, 1)
        head.addWidget(self.revealButton, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(head)
        self.timeline = QListWidget()
        self.timeline.setObjectName("timeline")
        self.timeline.setWordWrap(True)
        self.timeline.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.timeline, 1)

        self.noteEdit = QLineEdit()
        self.noteEdit.setObjectName("noteEdit")
        self.noteEdit.setPlaceholderText(
            self.tr("Note; the resolution when resolving, the reason when escalating")
        )
        self.noteEdit.returnPressed.connect(self.add_note)
        note_row = QHBoxLayout()
        note = QLabel(self.tr("&Note:"))
        note.setBuddy(self.noteEdit)
        note_row.addWidget(note)
        note_row.addWidget(self.noteEdit, 1)
        self.moveButtons: dict[str, QPushButton] = {}
        for n, (state, text) in enumerate(
            (
                ("handling", self.tr("Handle")),
                ("resolved", self.tr("Resolve")),
                ("escalated", self.tr("Escalate to HQ")),
                ("closed", self.tr("Close")),
            ),
            start=1,
        ):
            button = QPushButton(f"{text} (Ctrl+{n})")
            button.setObjectName(f"move_{state}")
            button.clicked.connect(lambda _=False, s=state: self.move(s))
            shortcut = QShortcut(QKeySequence(f"Ctrl+{n}"), self)
            shortcut.activated.connect(lambda s=state: self._move_key(s))
            note_row.addWidget(button)
            self.moveButtons[state] = button
        self.overrideBox = QCheckBox(self.tr("Close without follow-up (manager; reason in note)"))
        self.overrideBox.setObjectName("overrideBox")
        self.overrideBox.setVisible(self.actor.role == "manager")
        layout.addLayout(note_row)
        layout.addWidget(self.overrideBox)

        self.followupBox = QGroupBox(self.tr("Follow-up visit"))
        self.followupBox.setObjectName("followupBox")
        form = QHBoxLayout(self.followupBox)
        self.methodBox = QComboBox()
        self.methodBox.setObjectName("methodBox")
        for code in contract.FOLLOWUP_METHODS:
            self.methodBox.addItem(method_label(code), code)
        self.reachedBox = QCheckBox(self.tr("Customer reached"))
        self.reachedBox.setObjectName("reachedBox")
        self.reachedBox.setChecked(True)
        self.satisfactionBox = QSpinBox()
        self.satisfactionBox.setObjectName("satisfactionBox")
        self.satisfactionBox.setRange(1, 5)
        self.satisfactionBox.setValue(5)
        self.followupNote = QLineEdit()
        self.followupNote.setObjectName("followupNote")
        self.followupNote.returnPressed.connect(self.record_followup)
        self.followupButton = QPushButton(self.tr("Record &follow-up"))
        self.followupButton.setObjectName("followupButton")
        self.followupButton.clicked.connect(self.record_followup)
        how = QLabel(self.tr("How (Ctrl+U):"))
        how.setBuddy(self.methodBox)
        self.followupNote.setPlaceholderText(self.tr("Comment"))
        for widget in (
            how,
            self.methodBox,
            self.reachedBox,
            QLabel(self.tr("Satisfaction (1–5):")),
            self.satisfactionBox,
        ):
            form.addWidget(widget)
        form.addWidget(self.followupNote, 1)
        form.addWidget(self.followupButton)
        layout.addWidget(self.followupBox)
        return box

    # -- the list -------------------------------------------------------------------------------

    def current_filter(self) -> services.ComplaintFilter:
        state = str(self.stateFilter.currentData() or "")
        states: tuple[str, ...] = (
            ("received", "handling", "escalated", "resolved")
            if state == OPEN
            else ((state,) if state else ())
        )
        return services.ComplaintFilter(
            states=states,
            severity=str(self.severityFilter.currentData() or ""),
            category=str(self.categoryFilter.currentData() or ""),
            overdue_only=self.overdueFilter.isChecked(),
            mine=self.mineFilter.isChecked(),
            text=self.searchEdit.text(),
        )

    def reload(self) -> None:
        ctx, actor, flt = self.ctx, self.actor, self.current_filter()
        self.runner.submit(
            lambda: services.search_complaints(ctx, actor, flt, timeline=False),
            self._show_rows,
            self._refused,
        )

    def _show_rows(self, rows: object) -> None:
        if not isinstance(rows, tuple):
            return
        keep = self.current.id if self.current is not None else None
        self.rows = rows
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for r, view in enumerate(rows):
            due = when(view.due_at) + (self.tr(" · overdue") if view.overdue else "")
            cells = (
                view.number or view.id[:8],
                due,
                state_label(view.status),
                severity_label(view.severity),
                category_label(view.category),
                view.customer_name,
                self.tr("changed at HQ") if view.changed_at_hq else "",
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if view.overdue:
                    item.setBackground(QBrush(OVERDUE_BG))
                    item.setForeground(QBrush(OVERDUE_FG))
                    item.setData(Qt.ItemDataRole.UserRole, "overdue")
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)
        index = next((i for i, v in enumerate(rows) if v.id == keep), 0 if rows else -1)
        if index >= 0:
            self.table.setCurrentCell(index, 0)
            self._open(rows[index].id)
        else:
            self._show(None)
        self.countLabel.setText(self.tr("{0} complaints").format(len(rows)))

    def _row_changed(self, row: int, _col: int, _prev_row: int, _prev_col: int) -> None:
        if 0 <= row < len(self.rows):
            self._open(self.rows[row].id)
        else:
            self._show(None)

    def _open(self, complaint_id: str) -> None:
        """The detail reads the one complaint with its timeline (the rows come without)."""
        ctx, actor = self.ctx, self.actor
        self.runner.submit(
            lambda: services.get_complaint(ctx, actor, complaint_id),
            self._detail_read,
            self._refused,
        )

    def _detail_read(self, view: object) -> None:
        if not isinstance(view, services.ComplaintView):
            return
        row = self.table.currentRow()
        if 0 <= row < len(self.rows) and self.rows[row].id == view.id:
            self._show(view)

    def open_followup(self, complaint_id: str) -> None:
        """From the work list (F9): this one complaint, the keyboard in its follow-up visit."""
        self._followup_for = complaint_id
        for check in (self.overdueFilter, self.mineFilter):  # filters could hide it
            check.setChecked(False)
        for box in (self.stateFilter, self.severityFilter, self.categoryFilter):
            box.setCurrentIndex(0)  # not closed, every severity and category
        self.runner.submit(
            lambda: services.get_complaint(self.ctx, self.actor, complaint_id),
            lambda view: self.searchEdit.setText(view.number or view.id[:8]),
            self._refused,
        )

    def _to_table(self) -> None:
        if self.rows:
            self.table.setFocus()
            if self.table.currentRow() < 0:
                self.table.setCurrentCell(0, 0)

    def eventFilter(self, watched: object, event: object) -> bool:
        from PySide6.QtCore import QEvent
        from PySide6.QtGui import QKeyEvent

        if (
            watched is self.table
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.noteEdit.setFocus()
            return True
        return False

    # -- the detail -----------------------------------------------------------------------------

    def _who(self, operator_id: str) -> str:
        if operator_id == contract.HQ_OPERATOR:
            return self.tr("HQ")
        return self.names.get(operator_id, self.tr("another counter"))

    def _show(self, view: services.ComplaintView | None) -> None:
        self.current = view
        self.timeline.clear()
        enabled = view is not None
        for widget in (self.noteEdit, self.revealButton, self.followupBox, self.overrideBox):
            widget.setEnabled(enabled)
        if view is None:
            self.headLabel.setText(self.tr("No complaint matches."))
            for button in self.moveButtons.values():
                button.setVisible(False)
            return
        head = [
            self.tr("{0} · {1} · {2} · {3}").format(
                view.number or view.id[:8],
                state_label(view.status),
                severity_label(view.severity),
                category_label(view.category),
            ),
            self.tr("Customer: {0} {1} · due {2}{3}").format(
                view.customer_name,
                view.customer_phone,
                when(view.due_at),
                self.tr(" (overdue)") if view.overdue else "",
            ),
            self.tr("What happened: {0}").format(view.description),
        ]
        if view.wants:
            head.append(self.tr("Wants: {0}").format(view.wants))
        if view.changed_at_hq:
            head.append(self.tr("HQ has changed this complaint."))
        self.headLabel.setText("\n".join(head))
        self.timeline.addItem(
            self.tr("{0} {1}: logged").format(when(view.created_at), self._who(view.created_by))
        )
        for n in view.notes:
            move = (self.tr(" → {0}").format(state_label(n.new_status))) if n.new_status else ""
            self.timeline.addItem(f"{when(n.at)} {self._who(n.operator_id)}{move}: {n.text}")
        if view.followup is not None:
            f = view.followup
            reached = self.tr("reached") if f.reached else self.tr("not reached")
            self.timeline.addItem(
                self.tr("{0} follow-up by {1}, {2}, satisfaction {3}/5: {4}").format(
                    when(f.at), method_label(f.method), reached, f.satisfaction, f.note
                )
            )
        for state, button in self.moveButtons.items():
            button.setVisible(state in view.allowed_transitions)
        self.followupBox.setVisible(view.status in ("resolved", "closed"))
        if view.id == self._followup_for and self.followupBox.isVisible():
            self._followup_for = ""
            self.methodBox.setFocus()  # as Ctrl+U: how the visit was made, then Tab on
        self.overrideBox.setVisible(
            self.actor.role == "manager" and view.status == "resolved" and view.followup is None
        )

    # -- changes --------------------------------------------------------------------------------

    def _update(self, **kwargs: object) -> None:
        view = self.current
        if view is None:
            return
        ctx, actor = self.ctx, self.actor
        self.runner.submit(
            lambda: services.update_complaint(ctx, actor, view.id, **kwargs),  # type: ignore[arg-type]
            self._updated,
            self._refused,
        )

    def add_note(self) -> None:
        if self.noteEdit.text().strip():
            self._update(note=self.noteEdit.text())

    def _move_key(self, state: str) -> None:
        button = self.moveButtons[state]
        if self.current is not None and button.isVisible():
            self.move(state)

    def move(self, state: str) -> None:
        override = state == "closed" and self.overrideBox.isChecked()
        self._update(status=state, note=self.noteEdit.text(), override=override)

    def record_followup(self) -> None:
        followup = services.Followup(
            satisfaction=self.satisfactionBox.value(),
            note=self.followupNote.text().strip(),
            method=str(self.methodBox.currentData()),
            reached=self.reachedBox.isChecked(),
        )
        self._update(followup=followup)

    def _updated(self, view: object) -> None:
        if not isinstance(view, services.ComplaintView):
            return
        self.noteEdit.clear()
        self.followupNote.clear()
        self.overrideBox.setChecked(False)
        self.current = view
        self.status.setProperty("error", False)
        self.status.setText(
            self.tr("Saved: {0} is now {1}.").format(view.number, state_label(view.status))
        )
        self.changed.emit()
        self.reload()
        focus = self.focusWidget()
        if focus is None or not focus.isVisible():
            self.searchEdit.setFocus()

    def _refused(self, exc: BaseException) -> None:
        if not isinstance(exc, KnownError):
            self.runner.handle_error(exc, None)
            return
        self.status.setText(exc.message(self.language))
        self.status.setProperty("error", True)
        field = getattr(exc, "field", "")
        target = {"note": self.noteEdit, "followup": self.followupBox}.get(field)
        if target is self.noteEdit:
            self.noteEdit.setFocus()

    def reveal(self) -> None:
        view = self.current
        if view is None:
            return
        ctx, actor = self.ctx, self.actor
        self.runner.submit(
            lambda: services.reveal_customer(ctx, actor, view.id, "complaint follow-up"),
            self._revealed,
            self._refused,
        )

    def _revealed(self, contact: object) -> None:
        if isinstance(contact, services.CustomerContact):
            self.status.setText(
                self.tr("Customer: {0} {1} (shown once; audited)").format(
                    contact.name, contact.phone
                )
            )
