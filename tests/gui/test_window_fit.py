"""The window on a counter PC's screen (issue 13 item 7): maximized the first time, the
size the person gave it after, and every status message fits or wraps at 1366×768 and
1024×768."""

import datetime as dt

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from counter import services
from counter.sync.engine import SyncReport
from ui.shell import window_state
from ui.shell.sync_controller import SyncOutcome


def test_first_start_fills_the_screen_then_the_size_is_kept(qtbot, make_window, staff, tmp_path):
    path = window_state.state_path(tmp_path)
    window = make_window(staff.cashier)
    window_state.show(window, path)
    qtbot.waitUntil(window.isMaximized)
    assert window.geometry().size() == window.screen().availableGeometry().size()
    window.state_path = path
    window.showNormal()
    screen = window.screen().availableGeometry()
    chosen = (screen.width() - 40, screen.height() - 40)  # the person made it a bit smaller
    window.resize(*chosen)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == chosen)
    window.close()
    assert path.exists()

    again = make_window(staff.cashier)
    window_state.show(again, path)
    assert not again.isMaximized()
    assert (again.width(), again.height()) == chosen


def _fits(widget: QWidget) -> bool:
    """Shown whole: as wide as it asks to be, or a wrapping label tall enough for its text."""
    if isinstance(widget, QLabel) and widget.wordWrap():
        return widget.height() >= widget.heightForWidth(widget.width()) > 0
    return widget.width() >= widget.sizeHint().width()


NOW = dt.datetime.now(dt.UTC)
LONGEST = SyncReport(
    started_at=NOW,
    finished_at=NOW,
    pushed=12_345,
    applied=12_340,
    rejected=5,
    pulled_members=1_000_000,
    pulled_complaints=12_345,
)


@pytest.mark.parametrize("size", [(1366, 768), (1024, 768)], ids=["1366x768", "1024x768"])
def test_status_messages_and_the_scan_prompt_fit(qtbot, make_window, staff, zh, size):
    window = make_window(staff.manager)
    window.showNormal()
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0])
    bar = window.statusBarWidget
    probe = services.HQProbe(online=True, configured=True)
    bar.show_outcome(SyncOutcome(probe, LONGEST, announce=True))
    message = window.findChild(QLabel, "statusMessage")
    text = bar.currentMessage()
    assert text.startswith("同步完成：上传 12345 条") and text.endswith("请查看问题列表。")
    qtbot.waitUntil(lambda: _fits(message))
    assert message.text() == text
    for name in ("storeLabel", "operatorLabel", "onlineLabel", "pendingLabel", "lastSyncLabel"):
        assert _fits(window.findChild(QLabel, name)), name
    for reason in ("hq_unavailable", "auth_failed", "epoch_changed", "storage_error"):
        bar.showMessage(bar.reason(reason) + " " + bar.reason("hq_protocol_error"))
        qtbot.waitUntil(lambda: _fits(message))
    field = window.findChild(QLineEdit, "lookupInput")
    prompt = field.fontMetrics().horizontalAdvance(field.placeholderText())
    assert field.width() > prompt + 24
    assert window.width() == size[0] and window.minimumSizeHint().width() <= size[0]
