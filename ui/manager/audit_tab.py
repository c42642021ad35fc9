"""The desk's Audit tab: who saw or did what, newest first, a page at a time.

Filters (operator, action, member, first and last day, sensitive acts only) apply with
Enter; PgDn / PgUp page older / newer; Ctrl+E exports what the filter selects to CSV
(audited); on a row, Ctrl+O keeps only that operator's rows and Ctrl+M that member's.
Rows of the sensitive acts (health, reveals, consents, exports) stand out. Every query
runs in the task runner (``counter.services.audit_view``): the trail may be a million
rows long, and an answer that arrives after a newer question is dropped.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Slot
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter import services
from counter.errors import KnownError
from counter.services import audit_view, operator_admin
from counter.services.audit_view import AuditFilter, AuditPage, AuditRow, Cursor
from ui.manager.audit_labels import action_label, details_text
from ui.shell.closing import let_go
from ui.shell.labels import role_label
from ui.shell.style import set_state
from ui.shell.tasks import BaseRunner

SENSITIVE_BG = QColor("#fff1d6")
TIME, OPERATOR, ACTION, MEMBER, DETAILS = range(5)


class AuditTab(QWidget):
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
        self.setObjectName("auditTab")
        self.ctx, self.actor, self.runner, self.language = ctx, actor, runner, language
        self.filter = AuditFilter()
        self.member_label = ""
        self.pages: list[Cursor | None] = [None]  # where each page shown so far starts
        self.page: AuditPage | None = None
        self.operator_names: dict[str, str] = {}
        self.asked = 0  # the latest question; older answers are dropped
        self.loaded = False

        self.operatorChoice = QComboBox()
        self.operatorChoice.setObjectName("auditOperator")
        self.actionChoice = QComboBox()
        self.actionChoice.setObjectName("auditAction")
        self.memberInput = self._line("auditMember", self.tr("member no., card or phone"))
        self.sinceInput = self._line("auditSince", self.tr("e.g. 2026-12-01"))
        self.untilInput = self._line("auditUntil", self.tr("e.g. 2026-12-31"))
        self.sensitiveBox = QCheckBox(self.tr("&Sensitive acts only"))
        self.sensitiveBox.setObjectName("auditSensitive")
        self.sensitiveBox.setToolTip(
            self.tr("Health information, name and phone shown, consents, exports")
        )
        self.sensitiveBox.toggled.connect(self.apply)
        for box in (self.operatorChoice, self.actionChoice):
            box.activated.connect(self.apply)
        filters = QGridLayout()
        filters.addWidget(QLabel(self.tr("Operator")), 0, 0)
        filters.addWidget(self.operatorChoice, 0, 1)
        filters.addWidget(QLabel(self.tr("Action")), 0, 2)
        filters.addWidget(self.actionChoice, 0, 3)
        filters.addWidget(QLabel(self.tr("Member")), 0, 4)
        filters.addWidget(self.memberInput, 0, 5)
        filters.addWidget(QLabel(self.tr("From")), 1, 0)
        filters.addWidget(self.sinceInput, 1, 1)
        filters.addWidget(QLabel(self.tr("To")), 1, 2)
        filters.addWidget(self.untilInput, 1, 3)
        filters.addWidget(self.sensitiveBox, 1, 4, 1, 2)

        self.table = QTableWidget(0, 5)
        self.table.setObjectName("auditTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Time"), self.tr("Operator"), self.tr("Action"), self.tr("Member"),
             self.tr("Details")]
        )  # fmt: skip
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)  # Tab leaves the list, as in every form
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DETAILS, QHeaderView.ResizeMode.Stretch)

        self.newerButton = self._button(self.tr("◀ Newer (PgUp)"), "auditNewer", self.newer)
        self.olderButton = self._button(self.tr("Older (PgDn) ▶"), "auditOlder", self.older)
        self.exportButton = self._button(
            self.tr("&Export CSV… (Ctrl+E)"), "auditExport", self.export
        )
        self.status = QLabel()
        self.status.setObjectName("auditStatus")
        self.status.setWordWrap(True)
        for keys, slot in (
            ("PgDown", self.older), ("PgUp", self.newer), ("Ctrl+E", self.export),
            ("Ctrl+O", self.only_operator), ("Ctrl+M", self.only_member),
        ):  # fmt: skip
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        buttons = QHBoxLayout()
        buttons.addWidget(self.newerButton)
        buttons.addWidget(self.olderButton)
        buttons.addStretch(1)
        buttons.addWidget(self.exportButton)
        hint = QLabel(
            self.tr(
                "Enter applies the filters. On a row, Ctrl+O shows only that operator's "
                "rows and Ctrl+M only that member's. Highlighted: acts on personal "
                "information. An export is itself recorded here."
            )
        )
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.dialog: QFileDialog | None = None

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        line = QLineEdit()
        line.setObjectName(name)
        line.setPlaceholderText(placeholder)
        line.setClearButtonEnabled(True)
        line.returnPressed.connect(self.apply)
        return line

    def _button(self, text: str, name: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def focus_list(self) -> None:
        if not self.loaded:
            self.start()
        self.table.setFocus()

    def say(self, text: str, *, refusal: bool = False) -> None:
        self.status.setText(text)
        set_state(self.status, "tone", "refusal" if refusal else "")

    # -- loading ----------------------------------------------------------------------------

    def start(self) -> None:
        """First showing: the filter choices, then the newest page."""
        self.loaded = True
        ctx, actor = self.ctx, self.actor

        def choices() -> tuple[list[operator_admin.OperatorRow], list[str]]:
            return operator_admin.list_all_operators(ctx, actor), audit_view.audit_actions(
                ctx, actor
            )

        self.runner.submit(choices, self._choices, self._refused)
        self._load()

    def _choices(self, result: tuple[list[operator_admin.OperatorRow], list[str]]) -> None:
        operators, actions = result
        self.operator_names = {o.id: o.name for o in operators}
        self.operatorChoice.clear()
        self.operatorChoice.addItem(self.tr("All operators"), None)
        for o in operators:
            self.operatorChoice.addItem(f"{o.name} · {role_label(o.role)}", o.id)
        self.actionChoice.clear()
        self.actionChoice.addItem(self.tr("All actions"), None)
        for action in actions:
            self.actionChoice.addItem(action_label(action), action)
        if self.page is not None:  # the page came first: name its operators now
            self._show(self.asked, self.page)

    def _load(self) -> None:
        self.asked += 1
        asked, flt, before = self.asked, self.filter, self.pages[-1]
        ctx, actor = self.ctx, self.actor
        self.say(self.tr("Loading…"))
        self.runner.submit(
            lambda: audit_view.audit_page(ctx, actor, flt, before),
            lambda page: self._show(asked, page),
            lambda exc: self._refused(exc) if asked == self.asked else None,
        )

    def _show(self, asked: int, page: AuditPage) -> None:
        if asked != self.asked:
            return  # a newer question is on its way
        self.page = page
        self.table.setRowCount(len(page.rows))
        bold = QFont(self.table.font())
        bold.setBold(True)
        for i, row in enumerate(page.rows):
            for column, text in enumerate(self._cells(row)):
                item = QTableWidgetItem(text)
                if row.sensitive:
                    item.setBackground(QBrush(SENSITIVE_BG))
                    if column == ACTION:
                        item.setFont(bold)
                self.table.setItem(i, column, item)
        if page.rows:
            self.table.selectRow(0)
        first = (len(self.pages) - 1) * audit_view.PAGE_SIZE + 1
        if not page.rows:
            self.say(self.tr("No rows match the filters."))
        else:
            more = self.tr(" Older rows: PgDn.") if page.older else self.tr(" No older rows.")
            self.say(
                self.tr("Rows {0}–{1}, newest first.").format(first, first + len(page.rows) - 1)
                + more
            )
        self.newerButton.setEnabled(len(self.pages) > 1)
        self.olderButton.setEnabled(page.older is not None)

    def _cells(self, row: AuditRow) -> tuple[str, ...]:
        who = row.operator_name or self.operator_names.get(row.operator_id, "") or "—"
        member = f"{row.member_no} {row.member_name}".strip() if row.member_id else ""
        if row.member_id and not member:
            member = self.tr("(not cached)")
        return (
            row.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),  # PC local, as F7 and the status bar
            who,
            ("● " if row.sensitive else "") + action_label(row.action),
            member,
            details_text(row.details, self.operator_names),
        )

    def _refused(self, exc: BaseException) -> None:
        if isinstance(exc, KnownError):
            self.say(exc.message(self.language), refusal=True)
        else:
            self.runner.handle_error(exc, None)

    # -- filters and paging -----------------------------------------------------------------

    @Slot()
    def apply(self) -> None:
        """Read the filter fields (a bad date or member is told, nothing else changes)."""
        since = self._date(self.sinceInput)
        until = self._date(self.untilInput)
        if since is False or until is False:
            return
        text = self.memberInput.text().strip()
        if text and text != self.member_label:
            ctx, actor = self.ctx, self.actor
            self.runner.submit(
                lambda: audit_view.find_member(ctx, actor, text),
                lambda found: self._member_found(found, since, until),
                self._member_refused,
            )
            return
        member = self.filter.member_id if text else None
        self._set_filter(member, since, until)

    def _member_found(self, found: tuple[str, str], since: object, until: object) -> None:
        self.member_label = found[1]
        self.memberInput.setText(found[1])
        set_state(self.memberInput, "invalid", False)
        self._set_filter(found[0], since, until)

    def _member_refused(self, exc: BaseException) -> None:
        self._refused(exc)
        set_state(self.memberInput, "invalid", True)
        self.memberInput.setFocus()
        self.memberInput.selectAll()

    def _set_filter(self, member_id: str | None, since: object, until: object) -> None:
        if not member_id:
            self.member_label = ""
        self.filter = AuditFilter(
            operator_id=self.operatorChoice.currentData(),
            member_id=member_id,
            action=self.actionChoice.currentData(),
            since=since if isinstance(since, dt.date) else None,
            until=until if isinstance(until, dt.date) else None,
            sensitive=self.sensitiveBox.isChecked(),
        )
        self.pages = [None]
        self._load()

    def _date(self, line: QLineEdit) -> dt.date | bool | None:
        """The day typed (None: empty); False after telling what is wrong with it."""
        text = line.text().strip()
        if not text:
            set_state(line, "invalid", False)
            return None
        try:
            day = dt.date.fromisoformat(text.replace("/", "-"))
        except ValueError:
            self.say(
                self.tr("“{0}” is not a date: type it as 2026-12-01.").format(text), refusal=True
            )
            set_state(line, "invalid", True)
            line.setFocus()
            line.selectAll()
            return False
        set_state(line, "invalid", False)
        return day

    @Slot()
    def older(self) -> None:
        if self.page is not None and self.page.older is not None:
            self.pages.append(self.page.older)
            self._load()

    @Slot()
    def newer(self) -> None:
        if len(self.pages) > 1:
            self.pages.pop()
            self._load()

    def _current(self) -> AuditRow | None:
        index = self.table.currentRow()
        rows = self.page.rows if self.page else ()
        return rows[index] if 0 <= index < len(rows) else None

    @Slot()
    def only_operator(self) -> None:
        row = self._current()
        if row is not None:
            index = self.operatorChoice.findData(row.operator_id)
            if index >= 0:
                self.operatorChoice.setCurrentIndex(index)
                self.apply()

    @Slot()
    def only_member(self) -> None:
        row = self._current()
        if row is not None and row.member_id:
            self.member_label = f"{row.member_no} {row.member_name}".strip() or row.member_id
            self.memberInput.setText(self.member_label)
            self._set_filter(row.member_id, self.filter.since, self.filter.until)

    # -- export -----------------------------------------------------------------------------

    @Slot()
    def export(self) -> None:
        """Ask where (a plain, keyboard-driven file dialog), then write it in the runner."""
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        stamp = self.ctx.now().astimezone().strftime("%Y%m%d-%H%M")
        dialog = QFileDialog(self, self.tr("Export the audit trail"))
        dialog.setObjectName("auditExportDialog")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(self.tr("CSV files (*.csv)"))
        dialog.setDefaultSuffix("csv")
        dialog.setDirectory(folder or str(Path.home()))
        dialog.selectFile(f"audit-{self.ctx.store_code}-{stamp}.csv")
        dialog.fileSelected.connect(self._export_to)
        dialog.finished.connect(lambda _code: self._export_closed(dialog))
        self.dialog = dialog
        dialog.open()
        dialog.activateWindow()

    def _export_closed(self, dialog: QFileDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        let_go(dialog)
        self.window().activateWindow()
        self.table.setFocus()

    def _export_to(self, name: str) -> None:
        path, flt = Path(name), self.filter
        ctx, actor, language = self.ctx, self.actor, self.language
        self.say(self.tr("Exporting…"))
        self.runner.submit(
            lambda: audit_view.export_audit(ctx, actor, flt, path, language=language),
            lambda count: self._exported(count, path),
            self._refused,
        )

    def _exported(self, count: int, path: Path) -> None:
        self.say(
            self.tr("{0} rows exported to {1}. The export is recorded in the trail.").format(
                count, path
            )
        )
