"""The customer display (DESIGN §11): on the PC's second screen, when it has one and the
``customer_display`` setting is on, the customer sees what concerns them — their masked
name, the points just earned or spent, the new balance — and nothing else of the counter.

:func:`customer_screen` decides where (pure: it takes the screens, so a test can hand it
any); :class:`CustomerDisplay` is the window, a frameless full-screen page that shows a
greeting between customers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class _Screen(Protocol):
    def name(self) -> str: ...


S = TypeVar("S", bound=_Screen)


def customer_screen(enabled: bool, screens: Sequence[S], primary: S | None) -> S | None:
    """The screen the customer faces: the first that is not the cashier's (the primary);
    None when the setting is off or there is only one screen."""
    if not enabled:
        return None
    return next((s for s in screens if s is not primary), None)


class CustomerDisplay(QWidget):
    """What the customer sees. ``show_points`` after an earn or a redemption, ``idle``
    when the member leaves the screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("customerDisplay")
        self.setWindowTitle(self.tr("Customer display"))
        self.setStyleSheet("background: #0b3d2e; color: white;")
        self.nameLabel = QLabel()
        self.nameLabel.setObjectName("customerName")
        self.pointsLabel = QLabel()
        self.pointsLabel.setObjectName("customerPoints")
        self.balanceLabel = QLabel()
        self.balanceLabel.setObjectName("customerBalance")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        sizes = ((self.nameLabel, 2.0), (self.pointsLabel, 4.0), (self.balanceLabel, 2.0))
        for label, scale in sizes:
            font = label.font()
            font.setPointSizeF(font.pointSizeF() * scale)
            label.setFont(font)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addStretch(1)
        self.idle()

    def idle(self) -> None:
        self.nameLabel.setText(self.tr("Welcome"))
        self.pointsLabel.setText("")
        self.balanceLabel.setText(self.tr("Show your member card or code to earn points"))

    def show_points(self, masked_name: str, points: int, balance: int, pending: bool) -> None:
        """``points`` signed: + earned, − spent."""
        self.nameLabel.setText(self.tr("{0}, thank you").format(masked_name))
        if points >= 0:
            self.pointsLabel.setText(self.tr("+{0:,} points").format(points))
        else:
            self.pointsLabel.setText(self.tr("{0:,} points redeemed").format(-points))
        text = self.tr("Your balance: {0:,} points").format(balance)
        if pending:
            text += self.tr(" (some still to be confirmed by HQ)")
        self.balanceLabel.setText(text)

    def place_on(self, screen: QScreen) -> None:
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        self.showFullScreen()


def open_customer_display(enabled: bool) -> CustomerDisplay | None:
    """The display on the second screen if the setting is on and there is one, shown."""
    screen = customer_screen(enabled, QGuiApplication.screens(), QGuiApplication.primaryScreen())
    if screen is None:
        return None
    display = CustomerDisplay()
    display.place_on(screen)
    return display
