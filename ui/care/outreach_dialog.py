"""Outreach lists (Ctrl+F9; service assistants and store managers): the seeds' campaigns —
thank new members, greet birthdays, call lapsed members back — drawn from the cache.

Pick the list and its days, narrow it by tier or district if wanted, build it (Enter):
the count and the first rows, masked, appear; export writes the whole list to a CSV file
for the SMS or mail house (masked unless a store manager exports; every export audited).
Only members with marketing consent are ever listed; the core decides who
(``counter.services.outreach``). Building and exporting run off the UI thread with a
progress bar.

Keys: Alt+L the list, Alt+D days, Alt+T tier, Alt+R district, Enter builds, Alt+F the
file, Ctrl+S exports, Esc closes.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from counter import contract, services
from counter.errors import KnownError
from counter.services import outreach, outreach_export
from ui.shell.labels import tier_label
from ui.shell.tasks import BaseRunner


class _Progress(QObject):
    """Emitted from the export's worker thread; Qt queues it to the dialog's thread."""

    moved = Signal(int, int)


class OutreachDialog(QDialog):
    def __init__(
        self,
        ctx: services.ServiceContext,
        actor: services.Actor,
        runner: BaseRunner,
        *,
        language: str,
        export_dir: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("outreachDialog")
        self.setWindowTitle(self.tr("Outreach lists"))
        self.ctx, self.actor, self.runner, self.language = ctx, actor, runner, language
        self.listed: outreach.OutreachList | None = None
        self._generation = 0
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        self._export_dir = export_dir or (
            Path(documents) if documents and Path(documents).is_dir() else Path.home()
        )
        self._progress = _Progress(self)
        self._progress.moved.connect(self._export_moved)

        form = QFormLayout()
        self.listCombo = QComboBox()
        self.listCombo.setObjectName("outreachList")
        for kind, text in (
            (outreach.NEW_MEMBERS, self.tr("New members (thank-you)")),
            (outreach.BIRTHDAYS, self.tr("Birthdays coming up")),
            (outreach.LAPSED, self.tr("Lapsed members (not seen for)")),
            (outreach.SEGMENT, self.tr("Everyone (by tier or district)")),
        ):
            self.listCombo.addItem(text, kind)
        self.daysSpin = QSpinBox()
        self.daysSpin.setObjectName("outreachDays")
        self.daysSpin.setSuffix(self.tr(" days"))
        self.tierCombo = QComboBox()
        self.tierCombo.setObjectName("outreachTier")
        self.tierCombo.addItem(self.tr("Every tier"), "")
        for tier in contract.TIERS:
            self.tierCombo.addItem(tier_label(tier), tier)
        self.districtCombo = QComboBox()
        self.districtCombo.setObjectName("outreachDistrict")
        self.districtCombo.addItem(self.tr("Every district"), "")
        self.buildButton = QPushButton(self.tr("&Build the list"))
        self.buildButton.setObjectName("outreachBuild")
        self.buildButton.clicked.connect(self.build)
        self.daysHint = QLabel()
        self.daysHint.setObjectName("outreachDaysHint")
        days_row = QHBoxLayout()
        days_row.addWidget(self.daysSpin)
        days_row.addWidget(self.daysHint, 1)
        for text, widget in (
            (self.tr("&List"), self.listCombo),
            (self.tr("&Days"), days_row),
            (self.tr("&Tier"), self.tierCombo),
            (self.tr("Dist&rict"), self.districtCombo),
        ):
            label = QLabel(text)
            if isinstance(widget, QWidget):
                label.setBuddy(widget)
            else:
                label.setBuddy(self.daysSpin)
            form.addRow(label, widget)
        form.addRow("", self.buildButton)

        self.countLabel = QLabel()
        self.countLabel.setObjectName("outreachCount")
        self.progressBar = QProgressBar()
        self.progressBar.setObjectName("outreachProgress")
        self.progressBar.hide()
        self.table = QTableWidget(0, 8)
        self.table.setObjectName("outreachTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Member no."),
                self.tr("Name"),
                self.tr("Phone"),
                self.tr("Tier"),
                self.tr("District"),
                self.tr("Birthday"),
                self.tr("Joined here"),
                self.tr("Last seen"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

        self.pathEdit = QLineEdit()
        self.pathEdit.setObjectName("outreachPath")
        path_label = QLabel(self.tr("&File"))
        path_label.setBuddy(self.pathEdit)
        self.browseButton = QPushButton(self.tr("Choose…"))
        self.browseButton.setObjectName("outreachBrowse")
        self.browseButton.clicked.connect(self._browse)
        self.exportButton = QPushButton(self.tr("&Export CSV (Ctrl+S)"))
        self.exportButton.setObjectName("outreachExport")
        self.exportButton.clicked.connect(self.export)
        self.exportButton.setEnabled(False)
        export_row = QHBoxLayout()
        export_row.addWidget(path_label)
        export_row.addWidget(self.pathEdit, 1)
        export_row.addWidget(self.browseButton)
        export_row.addWidget(self.exportButton)

        self.privacyLabel = QLabel(
            self.tr(
                "Only members who agreed to marketing are listed. Names and phones are masked "
                "on screen; a store manager's export has them in clear. Every export is "
                "recorded in the audit log."
            )
            if actor.role == "manager"
            else self.tr(
                "Only members who agreed to marketing are listed. Names and phones are masked, "
                "on screen and in your export (a store manager's export has them in clear). "
                "Every export is recorded in the audit log."
            )
        )
        self.privacyLabel.setObjectName("outreachPrivacy")
        self.privacyLabel.setWordWrap(True)
        self.statusLabel = QLabel()
        self.statusLabel.setObjectName("outreachStatus")
        self.statusLabel.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        counts = QHBoxLayout()
        counts.addWidget(self.countLabel, 1)
        counts.addWidget(self.progressBar)
        layout.addLayout(counts)
        layout.addWidget(self.table, 1)
        layout.addLayout(export_row)
        layout.addWidget(self.privacyLabel)
        layout.addWidget(self.statusLabel)

        for button in (self.browseButton, self.exportButton):
            button.setAutoDefault(False)
        self.buildButton.setDefault(True)
        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(self.export)
        self.listCombo.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.resize(980, 640)
        self._load_districts()
        self.listCombo.setFocus()

    # -- the filter -----------------------------------------------------------------------

    def current_filter(self) -> outreach.OutreachFilter:
        kind = str(self.listCombo.currentData())
        return outreach.OutreachFilter(
            kind=kind,
            days=self.daysSpin.value() if kind in outreach.DAYS else 0,
            tier=str(self.tierCombo.currentData() or ""),
            district=str(self.districtCombo.currentData() or ""),
        )

    @Slot()
    def _kind_changed(self) -> None:
        kind = str(self.listCombo.currentData())
        has_days = kind in outreach.DAYS
        self.daysSpin.setEnabled(has_days)
        if has_days:
            low, high, default = outreach.DAYS[kind]
            self.daysSpin.setRange(low, high)
            self.daysSpin.setValue(default)
        self.daysHint.setText(
            {
                outreach.NEW_MEMBERS: self.tr("registered at this counter in the last days"),
                outreach.BIRTHDAYS: self.tr("from today on (7 for this week, 30 for the month)"),
                outreach.LAPSED: self.tr("no purchase or visit for at least this long"),
            }.get(kind, self.tr("the whole tier or district chosen below"))
        )

    def _load_districts(self) -> None:
        ctx, actor = self.ctx, self.actor
        self.runner.submit(lambda: outreach.districts(ctx, actor), self._districts, self._failed)

    def _districts(self, found: object) -> None:
        if not isValid(self) or not isinstance(found, list):
            return
        for name, count in found:
            self.districtCombo.addItem(self.tr("{0} ({1})").format(name, count), name)

    # -- building -------------------------------------------------------------------------

    @Slot()
    def build(self) -> None:
        """Build the list off the UI thread; a newer build makes an older answer moot."""
        flt = self.current_filter()
        self._generation += 1
        generation = self._generation
        self._busy(self.tr("Building the list…"))
        self.exportButton.setEnabled(False)
        ctx, actor = self.ctx, self.actor
        self.runner.submit(
            lambda: outreach.build_list(ctx, actor, flt),
            lambda listed: self._built(generation, listed),
            self._failed,
        )

    def _built(self, generation: int, listed: object) -> None:
        # Closed meanwhile (Esc while a long list was built): nothing left to show it in.
        if not isValid(self) or generation != self._generation:
            return
        if not isinstance(listed, outreach.OutreachList):
            return
        self._idle()
        self.listed = listed
        self.table.setRowCount(len(listed.rows))
        for r, row in enumerate(listed.rows):
            birthday = row.birthday
            if row.next_birthday is not None:
                birthday = row.next_birthday.strftime("%Y-%m-%d")
            cells = (
                row.member_no,
                row.name,
                row.phone,
                tier_label(row.tier),
                row.district,
                birthday,
                _when(row.joined),
                _when(row.last_seen),
            )
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        if listed.count > len(listed.rows):
            text = self.tr("{0} members listed; the first {1} are shown, the export has all.")
            self.countLabel.setText(text.format(f"{listed.count:,}", f"{len(listed.rows):,}"))
        else:
            self.countLabel.setText(self.tr("{0} members listed.").format(f"{listed.count:,}"))
        self.exportButton.setEnabled(listed.count > 0)
        name = outreach_export.default_file_name(listed.filter, listed.built_at)
        self.pathEdit.setText(str(self._export_dir / name))
        self.statusLabel.clear()
        if listed.count:
            self.table.setFocus()

    # -- exporting ------------------------------------------------------------------------

    @Slot()
    def _browse(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export the list"), self.pathEdit.text(), self.tr("CSV files (*.csv)")
        )
        if chosen:
            self.pathEdit.setText(chosen)

    @Slot()
    def export(self) -> None:
        listed = self.listed
        if listed is None or not self.exportButton.isEnabled():
            return
        text = self.pathEdit.text().strip()
        if not text:
            self.statusLabel.setText(self.tr("Give the file to write the list to."))
            self.pathEdit.setFocus()
            return
        path = Path(text).expanduser()
        self._busy(self.tr("Exporting…"))
        self.progressBar.setRange(0, max(listed.count, 1))
        self.exportButton.setEnabled(False)
        ctx, actor, language, moved = self.ctx, self.actor, self.language, self._progress.moved
        self.runner.submit(
            lambda: outreach_export.export_csv(
                ctx, actor, listed.filter, path, language=language, progress=moved.emit
            ),
            self._exported,
            self._failed,
        )

    @Slot(int, int)
    def _export_moved(self, done: int, total: int) -> None:
        self.progressBar.setRange(0, max(total, 1))
        self.progressBar.setValue(done)

    def _exported(self, result: object) -> None:
        if not isValid(self):
            return
        self._idle()
        self.exportButton.setEnabled(True)
        if not isinstance(result, outreach_export.ExportResult):
            return
        text = (
            self.tr("{0} members written to {1} (names and phones masked).")
            if result.masked
            else self.tr("{0} members written to {1}, names and phones in clear: keep it safe.")
        )
        self.statusLabel.setText(text.format(f"{result.rows:,}", result.path))

    # -- state ----------------------------------------------------------------------------

    def _busy(self, text: str) -> None:
        self.statusLabel.setText(text)
        self.progressBar.setRange(0, 0)  # moving to and fro until there is a count
        self.progressBar.show()
        self.buildButton.setEnabled(False)

    def _idle(self) -> None:
        self.progressBar.hide()
        self.buildButton.setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        if not isValid(self):
            if not isinstance(exc, KnownError):  # a bug is a bug, window or not
                sys.excepthook(type(exc), exc, exc.__traceback__)
            return
        self._idle()
        self.exportButton.setEnabled(self.listed is not None and self.listed.count > 0)
        if not isinstance(exc, KnownError):
            self.runner.handle_error(exc, None)
            return
        self.statusLabel.setText(exc.message(self.language))
        if exc.code in ("export_path", "disk_full"):
            self.pathEdit.setFocus()


def _when(moment: object) -> str:
    if not isinstance(moment, dt.datetime):
        return ""
    return moment.astimezone().strftime("%Y-%m-%d")
