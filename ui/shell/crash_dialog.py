"""What happens when the program has a bug: log it, save a report, tell the person plainly.

``sys.excepthook`` and ``threading.excepthook`` both end here. The report (time, versions,
platform, traceback, the recent log lines) goes to ``<data dir>/crash-reports`` so store IT
can send it on; the dialog says what to do in plain words and hides the traceback behind a
"details" button. With ``no_dialogs`` (the frozen build's smoke test) nothing is shown.
"""

from __future__ import annotations

import datetime as dt
import logging
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QObject, Qt, Signal, Slot, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from counter import __version__, private
from counter.errors import KnownError
from counter.logs import RingBuffer
from ui.shell.labels import app_title

log = logging.getLogger(__name__)

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def build_report(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    *,
    now: dt.datetime,
    recent_log: str = "",
    thread_name: str = "",
) -> str:
    """The text store IT forwards: enough to reproduce, nothing a member typed."""
    lines = [
        "Member Counter crash report",
        f"time: {now.isoformat(timespec='seconds')}",
        f"app version: {__version__}",
        f"python: {sys.version.split()[0]} ({platform.python_implementation()})",
        f"qt: {qVersion()}  pyside6: {pyside_version}",
        f"platform: {platform.platform()}",
        f"frozen: {bool(getattr(sys, 'frozen', False))}",
    ]
    if thread_name:
        lines.append(f"thread: {thread_name}")
    lines += [
        "",
        "traceback:",
        "".join(traceback.format_exception(exc_type, exc, tb)).rstrip(),
        "",
        "recent log:",
        recent_log.rstrip() or "(none)",
        "",
    ]
    return "\n".join(lines)


def write_report(directory: Path, text: str, now: dt.datetime) -> Path:
    """``crash-YYYYmmdd-HHMMSS.txt``; a second crash in the same second gets ``-2``, ``-3``…"""
    private.private_dir(directory)
    stem = f"crash-{now:%Y%m%d-%H%M%S}"
    path = directory / f"{stem}.txt"
    n = 1
    while path.exists():
        n += 1
        path = directory / f"{stem}-{n}.txt"
    private.create_private(path).write_text(text, encoding="utf-8")
    return path


class CrashDialog(QDialog):
    """Plain words first, the report one click away, and a button to copy it."""

    def __init__(self, report: str, report_path: Path | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(self.tr("Something went wrong"))
        self.report = report

        icon = QLabel()
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(48, 48)
        )
        headline = QLabel(self.tr("The program ran into a problem it did not expect."))
        headline.setObjectName("crashHeadline")
        headline.setWordWrap(True)
        advice = QLabel(
            self.tr(
                "Please restart the program. If it happens again, give the file below to store IT."
            )
        )
        advice.setObjectName("crashAdvice")
        advice.setWordWrap(True)
        where = (
            self.tr("Report saved to: {0}").format(report_path)
            if report_path is not None
            else self.tr("The report could not be saved; copy the details instead.")
        )
        self.pathLabel = QLabel(where)
        self.pathLabel.setObjectName("crashReportPath")
        self.pathLabel.setWordWrap(True)
        self.pathLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.details = QPlainTextEdit(report)
        self.details.setObjectName("crashDetails")
        self.details.setReadOnly(True)
        self.details.setVisible(False)
        self.details.setMinimumHeight(240)

        self.detailsButton = QPushButton(self.tr("Show details"))
        self.detailsButton.setObjectName("crashDetailsButton")
        self.detailsButton.setCheckable(True)
        self.detailsButton.toggled.connect(self._toggle_details)
        self.copyButton = QPushButton(self.tr("Copy details"))
        self.copyButton.setObjectName("crashCopyButton")
        self.copyButton.clicked.connect(self.copy_details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(icon)
        text = QVBoxLayout()
        text.addWidget(headline)
        text.addWidget(advice)
        text.addWidget(self.pathLabel)
        top.addLayout(text, 1)
        row = QHBoxLayout()
        row.addWidget(self.detailsButton)
        row.addWidget(self.copyButton)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details, 1)
        layout.addLayout(row)
        self.resize(560, 200)

    @Slot(bool)
    def _toggle_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.detailsButton.setText(self.tr("Hide details") if shown else self.tr("Show details"))
        self.adjustSize()

    @Slot()
    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.report)
        self.copyButton.setText(self.tr("Copied"))


class _MainThreadBridge(QObject):
    """Carries a crash from a worker thread to the UI thread, where dialogs may be shown."""

    crashed = Signal(str, object)


class CrashHandler:
    """Owns ``sys.excepthook`` and ``threading.excepthook`` while installed."""

    def __init__(
        self,
        reports_dir: Path,
        ring: RingBuffer | None = None,
        *,
        language: str = "zh_CN",
        no_dialogs: bool = False,
        clock: Callable[[], dt.datetime] = dt.datetime.now,
    ) -> None:
        self.reports_dir = reports_dir
        self.ring = ring
        self.language = language
        self.no_dialogs = no_dialogs
        self.clock = clock
        self.last_report: Path | None = None
        self._old_hooks: tuple[object, object] | None = None
        self._bridge: _MainThreadBridge | None = None
        self._showing = False

    def install(self) -> None:
        if self._old_hooks is not None:
            return
        self._old_hooks = (sys.excepthook, threading.excepthook)
        if QApplication.instance() is not None:
            self._bridge = _MainThreadBridge()
            self._bridge.crashed.connect(self._show_on_main_thread)
        sys.excepthook = self.handle
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        if self._old_hooks is None:
            return
        sys.excepthook, threading.excepthook = self._old_hooks  # type: ignore[assignment]
        self._old_hooks = None
        self._bridge = None

    def handle(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        """The excepthook: known errors get their message, bugs the crash report."""
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        if isinstance(exc, KnownError):
            log.warning("unhandled %s: %s (%s)", type(exc).__name__, exc.en, exc.detail)
            self._show(exc.message(self.language), None, known=True)
            return
        path, report = self.record(exc_type, exc, tb)
        self._show(report, path, known=False)

    def record(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
        thread_name: str = "",
    ) -> tuple[Path | None, str]:
        """Log the traceback and write the report; never raises (we are already failing)."""
        log.critical("unexpected error", exc_info=(exc_type, exc, tb))
        recent = self.ring.text() if self.ring is not None else ""
        report = build_report(
            exc_type, exc, tb, now=self.clock(), recent_log=recent, thread_name=thread_name
        )
        try:
            path: Path | None = write_report(self.reports_dir, report, self.clock())
            log.critical("crash report saved to %s", path)
        except OSError:
            log.exception("could not save the crash report in %s", self.reports_dir)
            path = None
        self.last_report = path
        return path, report

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        exc = args.exc_value if args.exc_value is not None else args.exc_type()
        name = args.thread.name if args.thread is not None else ""
        path, report = self.record(args.exc_type, exc, args.exc_traceback, thread_name=name)
        if self._bridge is not None:
            self._bridge.crashed.emit(report, path)

    @Slot(str, object)
    def _show_on_main_thread(self, report: str, path: Path | None) -> None:
        self._show(report, path, known=False)

    def _show(self, text: str, path: Path | None, *, known: bool) -> None:
        app = QApplication.instance()
        if self.no_dialogs or app is None or self._showing:
            return
        if threading.current_thread() is not threading.main_thread():
            return  # a worker: the bridge brings it to the UI thread
        self._showing = True  # one dialog at a time, even if the dialog's loop crashes again
        try:
            if known:
                box = QMessageBox(QMessageBox.Icon.Warning, app_title(), text)
                box.setObjectName("knownErrorBox")
                box.exec()
            else:
                CrashDialog(text, path, QApplication.activeWindow()).exec()
        finally:
            self._showing = False
