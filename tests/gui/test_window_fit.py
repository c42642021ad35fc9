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


def test_a_service_assistant_with_work_to_do_fits_1024_in_the_real_style(
    qtbot, make_window, staff, zh
):  # type: ignore[no-untyped-def]
    """The demo at 1024×768 (the app's font and style sheet): once "待办 128" joined the
    status bar, its permanent labels asked for more than 1024 px and the window grew off
    the screen's right edge, for every operator after."""
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from counter.services.worklist import WorkCounts
    from ui.shell import app as shell_app

    app = QApplication.instance()
    sheet, font = app.styleSheet(), app.font()
    styled = QFont(font)
    styled.setFamilies([*shell_app.UI_FONTS, *font.families()])
    styled.setPointSize(max(font.pointSize(), 11))
    app.setFont(styled)
    app.setStyleSheet(shell_app.load_stylesheet())
    try:
        window = make_window(staff.service)
        window.showNormal()
        window.resize(1024, 768)
        qtbot.waitUntil(lambda: window.width() == 1024)
        window.workCounts.show_counts(WorkCounts(60, 30, 20, 18, 99))
        bar = window.statusBarWidget
        bar.lastSyncLabel.setText(bar.last_sync_text(NOW))
        bar.showMessage(bar.reason("hq_unavailable"))
        assert window.minimumSizeHint().width() <= 1024
        qtbot.wait(50)  # let the layout run: the window keeps its width
        assert window.width() == 1024
        for name in ("storeLabel", "operatorLabel", "onlineLabel", "pendingLabel", "lastSyncLabel"):
            assert _fits(window.findChild(QLabel, name)), name
    finally:
        app.setStyleSheet(sheet)
        app.setFont(font)


def test_the_window_never_grows_past_the_screen(qtbot, make_window, staff, tmp_path):  # type: ignore[no-untyped-def]
    """Whatever a label asks for later (here a status bar far wider than the screen), the
    window keeps within the screen: without a window manager Qt would grow it off the edge."""
    window = make_window(staff.service)
    window_state.show(window, window_state.state_path(tmp_path))
    qtbot.waitUntil(window.isMaximized)
    screen = window.screen().availableGeometry()
    window.showNormal()  # as under Xvfb, where no window manager keeps it maximized
    window.setGeometry(screen)
    qtbot.waitUntil(lambda: window.width() == screen.width())
    bar = window.statusBarWidget
    bar.storeLabel.setText("门店 " + "D001" * 200)
    qtbot.waitUntil(lambda: window.minimumSizeHint().width() > screen.width())  # the cause…
    qtbot.wait(50)  # the layout runs
    assert window.width() <= screen.width()  # …the window stays on the screen
    assert window.geometry().right() <= screen.right()
