"""A wrong PC clock at the counter: what the cashier reads when a code is refused for it."""

import datetime as dt

from PySide6.QtWidgets import QLabel, QLineEdit
from uidata import NOW, QR_KEY, scanner_sends

from counter import codes


def test_a_code_refused_because_of_the_clock_says_so_and_fits(
    qtbot, make_window, ctx, staff, members, scan_clock, zh
):
    ctx.clock = lambda: NOW - dt.timedelta(minutes=7)  # 7 minutes slow, never compared with HQ
    window = make_window(staff.cashier)
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.width() == 1024)
    field = window.findChild(QLineEdit, "lookupInput")
    scanner_sends(qtbot, field, scan_clock, codes.mint_member_token(QR_KEY, 7, "1000000001", NOW))
    message = window.findChild(QLabel, "lookupMessage")
    assert message.property("tone") == "refusal"
    assert message.text().startswith("会员码是总部刚签发的，但这台电脑的时间比总部慢 7 分钟")
    assert "F5" in message.text() and "会员卡或手机号" in message.text()
    # Shown whole: wrapped inside the window, not cut off at its edge.
    assert message.isVisible() and message.wordWrap()
    right = message.mapTo(window, message.rect().topRight()).x()
    assert right <= window.width()
    qtbot.waitUntil(lambda: message.height() >= message.heightForWidth(message.width()))
    assert field.text() == "" and field.hasFocus()
