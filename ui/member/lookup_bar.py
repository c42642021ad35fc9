"""The scan field at the top: whatever identifies a member, scanned or typed, then Enter.

Everything goes to ``services.lookup``, which tells the kinds apart (card, dynamic member QR,
phone, the phone's last 4–6 digits, a Chinese name's start, pinyin initials) and answers with
an outcome: the member, a few to choose from, nobody, or a refusal with its reason (a misread
card, a forged or expired code). The lookup is a fraction of a millisecond, so it runs right
here on the UI thread. Outcomes appear in the message strip under the field with a colour
cue, never in a dialog, and the field is emptied for the next scan.

The field keeps the input method off so a Chinese IME can't swallow a scan. To type a name in
Chinese, the "中" button turns the IME on for one search; it goes off again after it.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFocusEvent, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QVBoxLayout, QWidget

from counter import services
from counter.errors import KnownError
from counter.services.lookup import MAX_CHOICES
from counter.sync.client import HQUnavailable
from ui.shell.style import set_state
from ui.shell.tasks import BaseRunner

log = logging.getLogger(__name__)


def format_card(card_no: str) -> str:
    """6200 0000 0000 0018: easier to compare with the printed card."""
    return " ".join(card_no[i : i + 4] for i in range(0, len(card_no), 4))


class ScanField(QLineEdit):
    """The lookup field; its input method is off except for one search at a time."""

    def set_input_method(self, on: bool) -> None:
        if self.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled) == on:
            return
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, on)
        if self.hasFocus():
            QGuiApplication.inputMethod().update(Qt.InputMethodQuery.ImEnabled)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        # Popups (the IME's candidate list) take the focus for a moment; anything else ends it.
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self.set_input_method(False)
        super().focusOutEvent(event)


class LookupBar(QWidget):
    """Field + message strip. ``memberFound`` carries a ``services.MemberView``,
    ``choicesFound`` the ``MemberChoice`` tuple and whether more matched than it holds."""

    memberFound = Signal(object)
    choicesFound = Signal(object, bool)
    lookedUp = Signal(str)  # the outcome's tone: found, choices, notfound, refusal

    def __init__(
        self,
        ctx: services.ServiceContext,
        actor: services.Actor,
        *,
        language: str,
        runner: BaseRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lookupBar")
        self.ctx = ctx
        self.actor = actor
        self.language = language
        # Asks HQ, off the UI thread, for a card or phone the cache doesn't know.
        self.runner = runner
        self._generation = 0  # a later lookup makes an online answer still on its way stale
        self.offline_message = False  # the message says HQ is out of reach: stale once it's back

        self.input = ScanField()
        self.input.setObjectName("lookupInput")
        self.input.setPlaceholderText(
            self.tr("Scan a card or member code, or type phone, last 4 digits, name or initials")
        )
        self.input.setClearButtonEnabled(True)
        self.input.setMaxLength(160)  # a member QR token is 121 characters
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

        self.imeButton = QToolButton()
        self.imeButton.setObjectName("imeToggle")
        self.imeButton.setText("中")  # the same in every language: it means Chinese input
        self.imeButton.setCheckable(True)
        self.imeButton.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.imeButton.setToolTip(
            self.tr(
                "Type a name in Chinese: turns the input method on for one search. "
                "Pinyin initials (e.g. zxm) work without it."
            )
        )
        self.imeButton.toggled.connect(self._toggle_ime)

        self.message = QLabel()
        self.message.setObjectName("lookupMessage")
        self.message.setWordWrap(True)

        row = QHBoxLayout()
        row.addWidget(caption)
        row.addWidget(self.input, 1)
        row.addWidget(self.imeButton)
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

    @Slot(bool)
    def _toggle_ime(self, on: bool) -> None:
        self.input.set_input_method(on)
        self.input.setFocus(Qt.FocusReason.OtherFocusReason)

    def ime_off(self) -> None:
        self.input.set_input_method(False)
        self.imeButton.setChecked(False)

    # -- lookups --------------------------------------------------------------------------

    @Slot()
    def submit(self) -> None:
        """Enter in the field: look up what was typed."""
        self.lookup(self.input.text())

    @Slot(str)
    def lookup(self, text: str) -> None:
        """Look up a scan or typed text; the field is emptied for the next one."""
        self.input.clear()
        self.ime_off()
        self._generation += 1
        if not text.strip():
            return
        try:
            result = services.lookup(self.ctx, self.actor, text)
        except KnownError as exc:
            log.warning("lookup failed: %s (%s)", exc.en, exc.detail)
            self.show_message(exc.message(self.language), "refusal")
            return
        if (
            result.outcome == "not_found"
            and result.kind in ("card", "phone")
            and self.runner is not None
            and self.ctx.hq_url
        ):
            self._ask_hq(text)
            return
        self.show_result(result)

    def _ask_hq(self, text: str) -> None:
        """Not in the cache: say so at once, then show what HQ answers (and cache it)."""
        assert self.runner is not None
        generation = self._generation
        actor = self.actor
        self.show_message(self.tr("Not in this counter's list; asking HQ…"), "info")

        def done(result: object) -> None:
            if generation == self._generation and isinstance(result, services.LookupResult):
                self.show_result(result)

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            if isinstance(exc, KnownError):
                self.show_message(exc.message(self.language), "notfound")
            else:
                raise exc

        self.runner.submit(lambda: services.lookup_online(self.ctx, actor, text), done, failed)

    @Slot(str)
    def choose(self, member_id: str) -> None:
        """A member picked from the pick list."""
        try:
            result = services.choose(self.ctx, self.actor, member_id)
        except KnownError as exc:
            self.show_message(exc.message(self.language), "refusal")
            return
        self.show_result(result)

    def show_result(self, result: services.LookupResult) -> None:
        if result.outcome == "found" and result.member is not None:
            self.show_message(self.tr("Member found: {0}").format(result.member.name), "found")
            self.memberFound.emit(result.member)
        elif result.outcome == "choices" and result.choices:
            more = len(result.choices) > MAX_CHOICES
            choices = result.choices[:MAX_CHOICES]
            self.show_message(
                self.tr("{0} members match: choose one below.").format(
                    f"{MAX_CHOICES}+" if more else len(choices)
                ),
                "choices",
            )
            self.choicesFound.emit(choices, more)
        elif result.outcome == "not_found" and result.reason == HQUnavailable.code:
            self.show_message(result.message(self.language), "offline")
            self.offline_message = True
        elif result.outcome == "refused":
            log.info("scan refused: %s (%s)", result.reason, result.kind)
            self.show_message(result.message(self.language), "refusal")
        else:
            text = result.message(self.language) or self.tr("No member matches.")
            self.show_message(text, "notfound")

    def show_message(self, text: str, tone: str) -> None:
        self.offline_message = False
        self.message.setText(text)
        set_state(self.message, "tone", tone)
        self.lookedUp.emit(tone)

    def clear_message(self) -> None:
        self.offline_message = False
        self.message.clear()
        set_state(self.message, "tone", "")

    def hq_back(self) -> None:
        """HQ answers again: "HQ cannot be reached" under the field is stale now."""
        if self.offline_message:
            self.clear_message()
