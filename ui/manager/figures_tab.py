"""The desk's Figures tab: the store's figures for a period, each chart beside its table.

Keyboard-first: the period list has the keyboard when the tab opens (arrows change the
period, and the page is computed again), Alt+R / Alt+L the chosen range's days, the section
list (Tab, or Alt+S) picks what the chart and table show, Ctrl+C copies the table shown and
Ctrl+E exports every table to a CSV file; both are audited by the service. The figures are
computed off the UI thread (``services.figures.store_figures`` in the task runner) with a
progress bar; a page that arrives after the period changed again is dropped.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, QStandardPaths, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter import services
from counter.errors import KnownError
from counter.services import figures, figures_export
from counter.services.figures import Period, StoreFigures
from ui.manager import charts
from ui.manager.figures_sections import Section, sections
from ui.shell.style import set_state
from ui.shell.tasks import BaseRunner

AskPath = Callable[[QWidget, str], str]


def ask_save_path(parent: QWidget, suggested: str) -> str:
    """The save dialog; "" if the manager cancelled."""
    path, _filter = QFileDialog.getSaveFileName(
        parent,
        QCoreApplication.translate("FiguresTab", "Export the figures"),
        suggested,
        QCoreApplication.translate("FiguresTab", "CSV files (*.csv)"),
    )
    return path


class FiguresTab(QWidget):
    progressed = Signal(int, int)  # emitted from the worker; queued to the UI thread
    computed = Signal()  # a page is on screen (tests wait for it)

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
        self.setObjectName("figuresTab")
        self.ctx, self.actor, self.runner, self.language = ctx, actor, runner, language
        self.ask_path: AskPath = ask_save_path
        self.page: StoreFigures | None = None
        self.sections: list[Section] = []
        self._generation = 0
        self.stale = True  # counted when next shown

        self.periodBox = QComboBox()
        self.periodBox.setObjectName("figuresPeriod")
        for kind, text in (
            ("today", self.tr("Today")),
            ("week", self.tr("This week")),
            ("month", self.tr("This month")),
            ("range", self.tr("Chosen days")),
        ):
            self.periodBox.addItem(text, kind)
        self.periodBox.setCurrentIndex(2)
        period_label = QLabel(self.tr("&Period:"))
        period_label.setBuddy(self.periodBox)
        today = figures.store_today(ctx)
        self.fromEdit = self._date_edit("figuresFrom", today.replace(day=1))
        self.toEdit = self._date_edit("figuresTo", today)
        from_label, to_label = QLabel(self.tr("Fi&rst day:")), QLabel(self.tr("&Last day:"))
        from_label.setBuddy(self.fromEdit)
        to_label.setBuddy(self.toEdit)
        self.progress = QProgressBar()
        self.progress.setObjectName("figuresProgress")
        self.progress.setRange(0, figures.STEPS)
        self.progress.setFormat(self.tr("Counting… %v of %m"))
        self.progress.setMaximumWidth(200)
        self.progress.hide()
        self.copyButton = QPushButton(self.tr("&Copy table"))
        self.copyButton.setObjectName("figuresCopy")
        self.copyButton.setToolTip(self.tr("Copy the table shown (Ctrl+C); audited"))
        self.exportButton = QPushButton(self.tr("&Export CSV…"))
        self.exportButton.setObjectName("figuresExport")
        self.exportButton.setToolTip(
            self.tr("Save every table of the page as CSV (Ctrl+E); audited")
        )

        bar = QHBoxLayout()
        for widget in (period_label, self.periodBox, from_label, self.fromEdit, to_label,
                       self.toEdit, self.progress):  # fmt: skip
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.copyButton)
        bar.addWidget(self.exportButton)

        self.sectionList = QListWidget()
        self.sectionList.setObjectName("figuresSections")
        self.sectionList.setMinimumWidth(150)
        self.table = QTableWidget(0, 0)
        self.table.setObjectName("figuresTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.chart: QWidget = charts.placeholder()
        sections_label = QLabel(self.tr("&Sections"))
        sections_label.setBuddy(self.sectionList)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(sections_label)
        left_layout.addWidget(self.sectionList, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.chart)
        self.splitter.addWidget(self.table)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([180, 520, 300])

        self.message = QLabel()
        self.message.setObjectName("figuresMessage")
        self.message.setWordWrap(True)
        self.stamp = QLabel()
        self.stamp.setObjectName("figuresStamp")

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.stamp)
        self.setTabOrder(self.periodBox, self.fromEdit)
        self.setTabOrder(self.fromEdit, self.toEdit)
        self.setTabOrder(self.toEdit, self.sectionList)
        self.setTabOrder(self.sectionList, self.table)

        self._range_enabled()
        self.periodBox.currentIndexChanged.connect(self._period_changed)
        self.fromEdit.editingFinished.connect(self.reload)
        self.toEdit.editingFinished.connect(self.reload)
        self.sectionList.currentRowChanged.connect(self._show_section)
        self.progressed.connect(self._progress)
        self.copyButton.clicked.connect(self.copy_table)
        self.exportButton.clicked.connect(self.export_csv)
        for keys, slot in ((QKeySequence.StandardKey.Copy, self.copy_table),
                           (QKeySequence("Ctrl+E"), self.export_csv)):  # fmt: skip
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def _date_edit(self, name: str, date: dt.date) -> QDateEdit:
        edit = QDateEdit(QDate(date.year, date.month, date.day))
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    # ------------------------------------------------------------------ computing

    def focus_list(self) -> None:
        """The desk calls this when the tab is shown: the keyboard goes to the period, and
        the page is counted if it has not been since the desk opened."""
        self.periodBox.setFocus()
        if self.stale:
            self.stale = False
            self.reload()

    def period(self) -> Period:
        kind = str(self.periodBox.currentData())
        today = figures.store_today(self.ctx)
        if kind != "range":
            return figures.period_of(kind, today)
        return figures.period_of(
            kind, today, self.fromEdit.date().toPython(), self.toEdit.date().toPython()
        )  # type: ignore[arg-type]

    @Slot()
    def reload(self) -> None:
        """Compute the page for the period chosen, in the task runner."""
        try:
            period = self.period()
        except KnownError as exc:
            self._say(exc.message(self.language), "problem")
            return
        self._generation += 1
        generation = self._generation
        self._say("")
        self.progress.setValue(0)
        self.progress.show()
        emit = self.progressed.emit
        self.runner.submit(
            lambda: figures.store_figures(self.ctx, self.actor, period, emit),
            lambda page: self._computed(generation, page),
            lambda exc: self._failed(generation, exc),
        )

    @Slot(int)
    def _period_changed(self, _index: int) -> None:
        self._range_enabled()
        self.reload()

    def _range_enabled(self) -> None:
        chosen = self.periodBox.currentData() == "range"
        self.fromEdit.setEnabled(chosen)
        self.toEdit.setEnabled(chosen)

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)

    def _computed(self, generation: int, page: object) -> None:
        if generation != self._generation or not isinstance(page, StoreFigures):
            return  # the period changed while this page was counted
        self.progress.hide()
        self.page = page
        row = max(0, self.sectionList.currentRow())
        self.sections = sections(page)
        self.sectionList.blockSignals(True)
        self.sectionList.clear()
        self.sectionList.addItems([s.table.title for s in self.sections])
        self.sectionList.blockSignals(False)
        self.sectionList.setCurrentRow(min(row, len(self.sections) - 1))
        self._show_section(self.sectionList.currentRow())
        p = page.period
        if p.kind != "range":  # the days the period covers, for the record
            for edit, day in ((self.fromEdit, p.first), (self.toEdit, p.last)):
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)
        self.stamp.setText(
            self.tr("Store {0} · {1} to {2} · counted at {3}").format(
                self.ctx.store_code, p.first.isoformat(), p.last.isoformat(),
                page.computed_at.astimezone().strftime("%H:%M:%S"),
            )
        )  # fmt: skip
        self.computed.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.progress.hide()
        if isinstance(exc, KnownError):
            self._say(exc.message(self.language), "problem")
        else:
            sys.excepthook(type(exc), exc, exc.__traceback__)

    # ------------------------------------------------------------------ showing

    @Slot(int)
    def _show_section(self, row: int) -> None:
        if not 0 <= row < len(self.sections):
            return
        section = self.sections[row]
        table = section.table
        self.table.clear()
        self.table.setColumnCount(len(table.headers))
        self.table.setRowCount(len(table.rows))
        self.table.setHorizontalHeaderLabels(list(table.headers))
        for r, cells in enumerate(table.rows):
            for c, cell in enumerate(cells):
                item = QTableWidgetItem(f"{cell:,}" if isinstance(cell, int) else str(cell))
                if isinstance(cell, int | float):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        self._set_chart(section)
        # The table as wide as its columns (the chart takes the rest); alone, all the room.
        self.table.resizeColumnsToContents()
        width = self.table.horizontalHeader().length() + self.table.frameWidth() * 2
        width += self.table.verticalScrollBar().sizeHint().width()
        self.table.setMinimumWidth(min(width, 520) if section.chart else 0)

    def _set_chart(self, section: Section) -> None:
        rows = section.table.rows
        if section.chart_rows:
            rows = rows[: section.chart_rows]
        labels = [str(r[0]) for r in rows]
        values = [float(r[section.value_column]) for r in rows] if section.chart else []
        chart = (
            charts.bars(labels, values, ranked=section.chart == "ranked")
            if section.chart
            else charts.placeholder()
        )
        old = self.chart
        self.splitter.replaceWidget(1, chart)
        old.deleteLater()
        self.chart = chart
        chart.setVisible(bool(section.chart))  # a table alone (the summary) takes the room

    def _say(self, text: str, state: str = "") -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        set_state(self.message, "tone", state)

    def current_table(self) -> figures_export.FigureTable | None:
        row = self.sectionList.currentRow()
        return self.sections[row].table if 0 <= row < len(self.sections) else None

    # ------------------------------------------------------------------ copy, export

    @Slot()
    def copy_table(self) -> None:
        table, page = self.current_table(), self.page
        if table is None or page is None:
            return
        self.runner.submit(
            lambda: figures_export.audit_copy(self.ctx, self.actor, page.period, table),
            self._copied,
            self._export_failed,
        )

    def _copied(self, text: object) -> None:
        QGuiApplication.clipboard().setText(str(text))
        self._say(self.tr("Table copied; paste it into a spreadsheet."), "ok")

    @Slot()
    def export_csv(self) -> None:
        page = self.page
        if page is None or not self.sections:
            return
        p = page.period
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name = self.tr("figures-{0}-{1}-{2}.csv").format(
            self.ctx.store_code, p.first.strftime("%Y%m%d"), p.last.strftime("%Y%m%d")
        )
        chosen = self.ask_path(self, str(Path(folder or ".") / name))
        if not chosen:
            return
        path = Path(chosen)
        tables = [s.table for s in self.sections]
        heading = (self.stamp.text(),)
        self.runner.submit(
            lambda: figures_export.export_csv(self.ctx, self.actor, path, p, tables, heading),
            lambda rows: self._say(
                self.tr("Exported {0} rows to {1}.").format(rows, str(path)), "ok"
            ),
            self._export_failed,
        )

    def _export_failed(self, exc: BaseException) -> None:
        if isinstance(exc, KnownError):
            self._say(exc.message(self.language), "problem")
        else:
            sys.excepthook(type(exc), exc, exc.__traceback__)
