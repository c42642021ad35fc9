"""When a phone tail, a name or initials fit several members: pick one, from the keyboard.

Up/Down move, Enter or a digit 1–9 picks, Esc cancels; a double click picks too. Each line
shows what the core gave: name and phone masked (for every role), and what tells twenty 刘*
apart without unmasking them: birth year, gender, district and the last visit to this store,
then the tier. Choosing emits the member's id; the lookup bar asks ``services.choose`` for
the member.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter import services
from ui.shell.labels import gender_label, tier_label

_DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}
ID_ROLE = Qt.ItemDataRole.UserRole


class ChoiceView(QTreeWidget):
    """The list itself: picks on Enter and on 1–9, cancels on Esc."""

    picked = Signal(int)  # row
    cancelled = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = not (
            event.modifiers()
            & ~(Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ShiftModifier)
        )
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            current = self.currentItem()
            if current is not None:
                self.picked.emit(self.indexOfTopLevelItem(current))
            event.accept()
        elif key in _DIGITS and plain:
            item = self.topLevelItem(_DIGITS[key] - 1)
            if item is not None:
                self.setCurrentItem(item)
                self.picked.emit(_DIGITS[key] - 1)
            event.accept()
        elif key == Qt.Key.Key_Escape:
            self.cancelled.emit()
            event.accept()
        else:
            super().keyPressEvent(event)


class PickList(QWidget):
    chosen = Signal(str)  # member id
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pickList")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.caption = QLabel()
        self.caption.setObjectName("pickCaption")
        self.caption.setWordWrap(True)
        self.hint = QLabel(
            self.tr("↑ ↓ to move · Enter or 1–9 to choose · Esc to go back to scanning")
        )
        self.hint.setObjectName("pickHint")

        self.view = ChoiceView()
        self.view.setObjectName("pickView")
        headers = [
            "#",
            self.tr("Name"),
            self.tr("Phone"),
            self.tr("Born"),
            self.tr("Gender"),
            self.tr("District"),
            self.tr("Last visit here"),
            self.tr("Tier"),
        ]
        self.view.setColumnCount(len(headers))
        self.view.setHeaderLabels(headers)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAllColumnsShowFocus(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.view.header()
        header.setStretchLastSection(False)
        for column in range(len(headers)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)  # the district
        self.view.picked.connect(self._picked)
        self.view.cancelled.connect(self.cancelled)
        self.view.itemActivated.connect(
            lambda item, _column: self._picked(self.view.indexOfTopLevelItem(item))
        )

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(self.caption)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.hint)
        self.choices: tuple[services.MemberChoice, ...] = ()

    def show_choices(self, choices: Sequence[services.MemberChoice], *, more: bool) -> None:
        """Fill the list (``more``: there are further matches than shown) and take the focus."""
        self.choices = tuple(choices)
        if more:
            text = self.tr("More than {0} members match; the first {0} are shown.").format(
                len(self.choices)
            )
            text += " " + self.tr("Type more of the name or phone to narrow it down.")
        else:
            text = self.tr("Which member is it? Ask the customer.")
        self.caption.setText(text)
        self.view.clear()
        items = []
        for row, choice in enumerate(self.choices):
            number = str(row + 1) if row < 9 else ""
            item = QTreeWidgetItem(
                [
                    number,
                    choice.name,
                    choice.phone,
                    str(choice.birth_year) if choice.birth_year else "—",
                    gender_label(choice.gender),
                    choice.district or "—",
                    choice.last_visit_here.isoformat() if choice.last_visit_here else "—",
                    tier_label(choice.tier),
                ]
            )
            item.setData(0, ID_ROLE, choice.member_id)
            items.append(item)
        self.view.addTopLevelItems(items)
        if items:
            self.view.setCurrentItem(items[0])
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear(self) -> None:
        self.choices = ()
        self.view.clear()
        self.caption.clear()

    @Slot(int)
    def _picked(self, row: int) -> None:
        if 0 <= row < len(self.choices):
            self.chosen.emit(self.choices[row].member_id)
