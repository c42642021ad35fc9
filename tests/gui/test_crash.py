"""A bug must end in a saved report and plain words, never a bare traceback window."""

import datetime as dt
import logging
import sys
import threading

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QPlainTextEdit, QPushButton

from counter import logs
from counter.errors import DatabaseLockedError
from ui.shell.app import no_dialogs_requested
from ui.shell.crash_dialog import CrashDialog, CrashHandler, build_report, write_report


class CounterBug(RuntimeError):
    pass


def boom() -> None:
    raise CounterBug("the lookup bar divided by zero")


def reports(tmp_path):  # type: ignore[no-untyped-def]
    return sorted((tmp_path / "crash-reports").glob("crash-*.txt"))


def make_handler(tmp_path) -> CrashHandler:  # type: ignore[no-untyped-def]
    ring = logs.RingBuffer()
    ring.emit(
        logging.LogRecord("counter.test", logging.INFO, __file__, 1, "scanned a card", (), None)
    )
    return CrashHandler(tmp_path / "crash-reports", ring, no_dialogs=True)


def visible_dialogs() -> list[QDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]


def test_exception_in_a_slot_writes_a_report_and_shows_nothing(qtbot, tmp_path, caplog):
    handler = make_handler(tmp_path)
    handler.install()
    try:
        QTimer.singleShot(0, boom)
        qtbot.waitUntil(lambda: bool(reports(tmp_path)), timeout=3000)
    finally:
        handler.uninstall()
    (path,) = reports(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert path.name.startswith("crash-") and len(path.stem) == len("crash-20260101-120000")
    assert "Traceback (most recent call last)" in text
    assert "CounterBug: the lookup bar divided by zero" in text
    assert "in boom" in text
    assert "app version: 0.1.0" in text
    assert "qt: 6." in text
    assert "scanned a card" in text  # the recent log lines
    assert visible_dialogs() == []
    assert any("unexpected error" in r.message for r in caplog.records)


def test_exception_in_a_thread_writes_a_report(tmp_path):
    handler = make_handler(tmp_path)
    handler.install()
    try:
        worker = threading.Thread(target=boom, name="sync-worker")
        worker.start()
        worker.join()
    finally:
        handler.uninstall()
    (path,) = reports(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "thread: sync-worker" in text
    assert "CounterBug" in text


def test_uninstall_restores_the_hooks(tmp_path):
    before = (sys.excepthook, threading.excepthook)
    handler = make_handler(tmp_path)
    handler.install()
    assert sys.excepthook == handler.handle
    handler.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


def test_known_error_is_not_a_crash(tmp_path, caplog):
    handler = make_handler(tmp_path)
    exc = DatabaseLockedError("数据库正忙，请稍后重试。", "The database is busy.")
    handler.handle(type(exc), exc, None)
    assert reports(tmp_path) == []
    assert any("DatabaseLockedError" in r.message for r in caplog.records)


def test_same_second_crashes_get_their_own_files(tmp_path):
    now = dt.datetime(2026, 5, 12, 14, 3, 9)
    first = write_report(tmp_path, "one", now)
    second = write_report(tmp_path, "two", now)
    assert first.name == "crash-20260512-140309.txt"
    assert second.name == "crash-20260512-140309-2.txt"


def test_dialog_speaks_plainly_and_hides_the_traceback(qtbot, tmp_path, zh):
    try:
        boom()
    except CounterBug as exc:
        report = build_report(type(exc), exc, exc.__traceback__, now=dt.datetime.now())
    path = write_report(tmp_path, report, dt.datetime.now())
    dialog = CrashDialog(report, path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "程序出错了"
    advice = dialog.findChild(QLabel, "crashAdvice").text()
    assert advice == "请重启程序；如果再次出现，请把下面的文件交给门店 IT。"
    assert str(path) in dialog.findChild(QLabel, "crashReportPath").text()
    details = dialog.findChild(QPlainTextEdit, "crashDetails")
    assert not details.isVisible()
    qtbot.mouseClick(dialog.findChild(QPushButton, "crashDetailsButton"), Qt.MouseButton.LeftButton)
    assert details.isVisible()
    assert "CounterBug" in details.toPlainText()
    qtbot.mouseClick(dialog.findChild(QPushButton, "crashCopyButton"), Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == report


def test_with_dialogs_the_crash_dialog_appears(qtbot, tmp_path, zh):
    handler = CrashHandler(tmp_path / "crash-reports", None, no_dialogs=False)
    seen: list[str] = []

    def close_it() -> None:
        dialog = QApplication.activeModalWidget()
        seen.append(dialog.objectName() if dialog else "")
        if dialog is not None:
            dialog.reject()

    QTimer.singleShot(50, close_it)
    try:
        boom()
    except CounterBug as exc:
        handler.handle(type(exc), exc, exc.__traceback__)
    assert seen == ["crashDialog"]
    assert len(reports(tmp_path)) == 1


def test_no_dialogs_from_the_environment(monkeypatch):
    monkeypatch.delenv("COUNTER_NO_DIALOGS", raising=False)
    assert not no_dialogs_requested()
    assert no_dialogs_requested(True)
    monkeypatch.setenv("COUNTER_NO_DIALOGS", "1")
    assert no_dialogs_requested()
