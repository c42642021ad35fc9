"""The scan field at the top: a card number (typed or scanned) + Enter finds the member.

Foundation scope: 16-digit card numbers only. A number whose Luhn check digit is wrong is a
misread and is refused before any lookup (DESIGN §4). Outcomes appear in the message strip
under the field with a colour cue, never in a dialog, and the field is emptied for the
next scan. The field has the input method switched off so a Chinese IME can't swallow a scan.
"""

from __future__ import annotations

import enum
import logging
import re
import unicodedata

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from counter import services
from counter.codes import CARD_LENGTH, is_card_no
from counter.errors import KnownError
from ui.style import set_state

log = logging.getLogger(__name__)

_SPACING = re.compile(r"[\s\-]+")


class InputKind(enum.Enum):
    EMPTY = "empty"
    CARD = "card"
    BAD_CARD = "bad_card"
    UNSUPPORTED = "unsupported"


def classify(raw: str) -> tuple[InputKind, str]:
    """What the person typed or scanned, normalised (full-width digits, spaces, dashes)."""
    text = _SPACING.sub("", unicodedata.normalize("NFKC", raw))
    if not text:
        return InputKind.EMPTY, text
    if len(text) == CARD_LENGTH and text.isascii() and text.isdigit():
        return (InputKind.CARD if is_card_no(text) else InputKind.BAD_CARD), text
    return InputKind.UNSUPPORTED, text


def format_card(card_no: str) -> str:
    """6200 0000 0000 0018: easier to compare with the printed card."""
    return " ".join(card_no[i : i + 4] for i in range(0, len(card_no), 4))


class LookupBar(QWidget):
    """Field + message strip; emits ``memberFound`` with a ``services.MemberView``."""

    memberFound = Signal(object)
    lookedUp = Signal(str)  # the outcome's tone: found, notfound, refusal, info

    def __init__(
        self,
        ctx: services.ServiceContext,
        actor: services.Actor,
        *,
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lookupBar")
        self.ctx = ctx
        self.actor = actor
        self.language = language

        self.input = QLineEdit()
        self.input.setObjectName("lookupInput")
        self.input.setPlaceholderText(self.tr("Scan a member card, or type the card number"))
        self.input.setClearButtonEnabled(True)
        self.input.setMaxLength(64)
        # A scanner types like a keyboard; with an IME active the digits would go into
        # its composition window instead of the field.
        self.input.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.input.setInputMethodHints(
            Qt.InputMethodHint.ImhPreferNumbers
            | Qt.InputMethodHint.ImhLatinOnly
            | Qt.InputMethodHint.ImhNoPredictiveText
        )
        self.input.returnPressed.connect(self.submit)
        caption = QLabel(self.tr("Member"))
        caption.setObjectName("lookupCaption")
        caption.setBuddy(self.input)

        self.message = QLabel()
        self.message.setObjectName("lookupMessage")
        self.message.setWordWrap(True)

        row = QHBoxLayout()
        row.addWidget(caption)
        row.addWidget(self.input, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.message)

    def set_actor(self, actor: services.Actor) -> None:
        self.actor = actor
        self.clear_message()

    def focus_input(self) -> None:
        self.input.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.input.selectAll()

    @Slot()
    def submit(self) -> None:
        raw = self.input.text()
        self.input.clear()
        kind, text = classify(raw)
        if kind is InputKind.EMPTY:
            return
        if kind is InputKind.BAD_CARD:
            log.info("card number refused: bad check digit")
            self.show_message(self.tr("Card number check failed; please scan again."), "refusal")
            return
        if kind is InputKind.UNSUPPORTED:
            self.show_message(
                self.tr("This version finds members by their 16-digit card number only."),
                "info",
            )
            return
        try:
            view = services.find_by_card(self.ctx, self.actor, text)
        except KnownError as exc:
            self.show_message(exc.message(self.language), "refusal")
            return
        if view is None:
            self.show_message(
                self.tr("No member found for card {0}.").format(format_card(text)),
                "notfound",
            )
            return
        self.show_message(self.tr("Member found: {0}").format(view.name), "found")
        self.memberFound.emit(view)

    def show_message(self, text: str, tone: str) -> None:
        self.message.setText(text)
        set_state(self.message, "tone", tone)
        self.lookedUp.emit(tone)

    def clear_message(self) -> None:
        self.message.clear()
        set_state(self.message, "tone", "")
