"""PySide6 6.12.0 on Python 3.11 took a reference from None on every void Qt call and from
True on every emit; Python aborted after a few thousand. pyproject.toml keeps that release
out; this test fails if a PySide6 with the same bug comes back."""

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel


class Emitter(QObject):
    fired = Signal(int)


def test_qt_calls_leave_none_and_true_alone(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    emitter = Emitter()
    seen: list[int] = []
    emitter.fired.connect(seen.append)
    before = sys.getrefcount(None), sys.getrefcount(True)
    for i in range(2000):
        label.setText("x")
        emitter.fired.emit(i)
    after = sys.getrefcount(None), sys.getrefcount(True)
    assert len(seen) == 2000
    # A few references may come and go with the interpreter's own work; thousands may not.
    assert before[0] - after[0] < 100 and before[1] - after[1] < 100
