"""The demo's stand-in for a member's phone: the member app's dynamic QR code, on screen.

Anyone can try the real scan flow without a camera or a second device: enter a member's card
number or phone, the window asks HQ's member-app endpoint for a fresh signed token (in the
task runner: the UI thread never waits on the network), shows it as a QR code with a
countdown, and fetches the next one before it expires, as the member app does. "Send to
counter" types the token into the counter exactly as a keyboard-wedge scanner would.

Shown only in the demo (``counter demo``): a real counter has no business minting codes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import (
    QCloseEvent,
    QHideEvent,
    QImage,
    QKeySequence,
    QPixmap,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter import services
from counter.codes import render_qr
from counter.errors import KnownError
from ui.shell.tasks import BaseRunner

log = logging.getLogger(__name__)

REFRESH_BEFORE_S = 10  # fetch the next code this long before the shown one expires
QR_SIZE = 300  # pixels on screen
QR_BOX = 6  # pixels per module when rendering (scaled to QR_SIZE without smoothing)


@dataclass(frozen=True)
class ShownCode:
    """A member code from HQ and its QR image as 8-bit grey pixels, ready for a QImage."""

    token: str
    member_no: str
    expires_at: dt.datetime
    width: int
    height: int
    pixels: bytes


def fetch_code(ctx: services.ServiceContext, card_or_phone: str) -> ShownCode:
    """Ask HQ for a code and render it; runs in the task runner (network, then Pillow)."""
    code = services.demo_member_code(ctx, card_or_phone)
    image = render_qr(code.token, box_size=QR_BOX).convert("L")
    return ShownCode(
        code.token, code.member_no, code.expires_at, image.width, image.height, image.tobytes()
    )


def qr_pixmap(shown: ShownCode, size: int) -> QPixmap:
    """The QR at its rendered size (whole pixels per module), shrunk only if it can't fit."""
    image = QImage(
        shown.pixels, shown.width, shown.height, shown.width, QImage.Format.Format_Grayscale8
    ).copy()  # own the pixels: the bytes object may go away
    pixmap = QPixmap.fromImage(image)
    if max(shown.width, shown.height) <= size:
        return pixmap
    return pixmap.scaled(
        size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation
    )


class MemberPhone(QWidget):
    """A top-level window; ``send`` receives the token text (the scanner's ``feed``)."""

    def __init__(
        self,
        ctx: services.ServiceContext,
        runner: BaseRunner,
        send: Callable[[str], None],
        *,
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("memberPhone")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle(self.tr("Member's phone (demo)"))
        self.ctx = ctx
        self.runner = runner
        self.send = send
        self.language = language
        self.shown: ShownCode | None = None
        self.member_key = ""
        # Esc closes it, like every other window of the counter, from any field in it.
        self.closeShortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        self._generation = 0
        self._in_flight = False

        title = QLabel(self.tr("Member app · member code"))
        title.setObjectName("phoneTitle")
        hint = QLabel(
            self.tr(
                "Enter a member's card number or phone. The code refreshes by itself, "
                "as in the member app; show it to the counter with the button below."
            )
        )
        hint.setObjectName("phoneHint")
        hint.setWordWrap(True)

        self.memberInput = QComboBox()
        self.memberInput.setObjectName("phoneMemberInput")
        self.memberInput.setEditable(True)
        self.memberInput.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        entry = self.memberInput.lineEdit()
        assert entry is not None  # an editable combo box has one
        entry.setPlaceholderText(self.tr("Card number or phone"))
        entry.returnPressed.connect(self.show_code)
        self.showButton = QPushButton(self.tr("Show code"))
        self.showButton.setObjectName("phoneShowButton")
        self.showButton.clicked.connect(self.show_code)

        self.qrLabel = QLabel()
        self.qrLabel.setObjectName("phoneQr")
        self.qrLabel.setFixedSize(QR_SIZE, QR_SIZE)
        self.qrLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qrLabel.setWordWrap(True)
        self.memberNoLabel = QLabel()
        self.memberNoLabel.setObjectName("phoneMemberNo")
        self.memberNoLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdownLabel = QLabel()
        self.countdownLabel.setObjectName("phoneCountdown")
        self.countdownLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.errorLabel = QLabel()
        self.errorLabel.setObjectName("phoneError")
        self.errorLabel.setWordWrap(True)
        self.errorLabel.hide()
        self.sendButton = QPushButton(self.tr("Send to counter"))
        self.sendButton.setObjectName("phoneSendButton")
        self.sendButton.setToolTip(
            self.tr("Types the code into the counter the way a barcode scanner does")
        )
        self.sendButton.clicked.connect(self.send_to_counter)

        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self.tick)

        ask = QHBoxLayout()
        ask.addWidget(self.memberInput, 1)
        ask.addWidget(self.showButton)
        qr_row = QHBoxLayout()
        qr_row.addStretch(1)
        qr_row.addWidget(self.qrLabel)
        qr_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addLayout(ask)
        layout.addWidget(self.errorLabel)
        layout.addLayout(qr_row)
        layout.addWidget(self.memberNoLabel)
        layout.addWidget(self.countdownLabel)
        layout.addWidget(self.sendButton)
        layout.addStretch(1)
        self.setMinimumWidth(QR_SIZE + 80)
        self._show_nothing(self.tr("No code yet"))

    # -- asking HQ ------------------------------------------------------------------------

    @Slot()
    def show_code(self) -> None:
        text = self.memberInput.currentText().strip()
        if not text:
            self.memberInput.setFocus()
            return
        if self.memberInput.findText(text) < 0:
            self.memberInput.insertItem(0, text)
        self.member_key = text
        self._show_nothing(self.tr("Asking HQ for the code…"))
        self.fetch()

    def fetch(self) -> None:
        if not self.member_key:
            return
        self._generation += 1
        generation, ctx, key = self._generation, self.ctx, self.member_key
        self._in_flight = True
        self.runner.submit(
            lambda: fetch_code(ctx, key),
            partial(self._fetched, generation),
            partial(self._failed, generation),
        )

    def _fetched(self, generation: int, shown: ShownCode) -> None:
        if generation != self._generation:
            return  # a newer request is on its way
        self._in_flight = False
        self.display(shown)

    def display(self, shown: ShownCode) -> None:
        """Show ``shown`` with its countdown (the next code is fetched before it expires)."""
        self.shown = shown
        self.errorLabel.hide()
        self.qrLabel.setPixmap(qr_pixmap(shown, QR_SIZE))
        self.memberNoLabel.setText(self.tr("Member no. {0}").format(shown.member_no))
        self.sendButton.setEnabled(True)
        self.tick()
        if self.isVisible():
            self.ticker.start()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._in_flight = False
        if not isinstance(exc, KnownError):
            self.runner.handle_error(exc, None)  # a bug: the crash dialog
            return
        log.info("member code not available: %s (%s)", exc.en, exc.detail)
        self.errorLabel.setText(exc.message(self.language))
        self.errorLabel.show()
        if self.shown is None:
            self._show_nothing(self.tr("No code"))
        elif self.isVisible():
            self.ticker.start()  # keep showing the old code while it lasts; retry on tick

    # -- the countdown ------------------------------------------------------------------------

    def seconds_left(self) -> int:
        if self.shown is None:
            return 0
        return int((self.shown.expires_at - self.ctx.now()).total_seconds())

    @Slot()
    def tick(self) -> None:
        if self.shown is None:
            return
        left = self.seconds_left()
        if left <= 0:
            self.shown = None
            self._show_nothing(self.tr("The code has expired"))
            if not self._in_flight:
                self.fetch()
            return
        self.countdownLabel.setText(
            self.tr("Valid for {0} s more; a new code comes by itself").format(left)
        )
        if left <= REFRESH_BEFORE_S and not self._in_flight:
            self.fetch()

    def _show_nothing(self, text: str) -> None:
        self.qrLabel.clear()
        self.qrLabel.setText(text)
        self.memberNoLabel.clear()
        self.countdownLabel.clear()
        self.sendButton.setEnabled(False)
        if self.shown is None:
            self.ticker.stop()

    # -- to the counter ---------------------------------------------------------------------

    @Slot()
    def send_to_counter(self) -> None:
        if self.shown is not None:
            self.send(self.shown.token)

    # -- lifetime -----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.shown is not None:
            self.tick()
            self.ticker.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self.ticker.stop()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.ticker.stop()
        super().closeEvent(event)
