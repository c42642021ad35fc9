"""``counter demo`` end to end: seeded HQ in-process, sign in, the window names the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QListWidget, QMainWindow

from counter import cli


def _top(name: str) -> object | None:
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == name and widget.isVisible():
            return widget
    return None


def test_demo_signs_in_and_shows_the_store(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COUNTER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COUNTER_CONFIG_DIR", str(tmp_path / "cfg"))
    seen: dict[str, str] = {}

    def sign_in() -> None:
        dialog = _top("loginDialog")
        if dialog is None:
            QTimer.singleShot(50, sign_in)
            return
        seen["hint"] = dialog.findChild(QLabel, "loginHint").text()
        operators = dialog.findChild(QListWidget, "operatorList")
        row = next(r for r in range(operators.count()) if "王芳" in operators.item(r).text())
        qtbot.keyClick(operators, str(row + 1))
        pin = dialog.findChild(QLineEdit, "pinInput")
        qtbot.keyClicks(pin, "2222")
        qtbot.keyClick(pin, Qt.Key.Key_Return)
        QTimer.singleShot(50, look_and_close)

    def look_and_close() -> None:
        window = next(
            (
                w
                for w in QApplication.topLevelWidgets()
                if isinstance(w, QMainWindow) and w.isVisible()
            ),
            None,
        )
        if window is None:
            QTimer.singleShot(50, look_and_close)
            return
        seen["store"] = window.findChild(QLabel, "storeLabel").text()
        seen["operator"] = window.findChild(QLabel, "operatorLabel").text()
        window.close()

    QTimer.singleShot(0, sign_in)
    code = cli.main(["demo", "--members", "300"])

    assert code == 0
    assert "D001" in seen["store"]
    assert "王芳" in seen["operator"]
    assert "2222" in seen["hint"]
    assert (tmp_path / "data" / "demo" / "hq.seeded").exists()
