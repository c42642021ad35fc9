"""活动积分: award points for an activity, for a reason from HQ's catalogue, with a note.

Service assistants and store managers only (the core refuses a cashier too, and audits the
award). The reasons come from the cached HQ config (``services.award_reasons``): ↑ ↓ or
the reason's number chooses, the points field holds the reason's amount (editable up to the
reason's maximum when HQ allows a range), Tab goes on to the note, Enter books
(``services.award_points``). A refusal shows on its field; Esc closes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from counter import services
from counter.errors import KnownError, ValidationError
from ui.points.booking_dialog import BookingDialog
from ui.points.messages import error_label, show_message
from ui.shell.tasks import BaseRunner

NOTE_MAX = 200
CodeRole = Qt.ItemDataRole.UserRole


def reason_name(reason: services.AwardReason, language: str) -> str:
    return reason.name_zh if language.startswith("zh") else reason.name_en


class _ReasonList(QListWidget):
    """↑ ↓ move; 1–9 choose the reason with that number."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text.isdigit() and text != "0" and int(text) <= self.count():
            self.setCurrentRow(int(text) - 1)
            return
        super().keyPressEvent(event)


class AwardDialog(BookingDialog):
    """``booked`` carries the core's ``PointsResult`` once the award is saved."""

    result_type = services.PointsResult
    result: services.PointsResult | None

    def __init__(
        self,
        ctx: services.ServiceContext,
        actor: services.Actor,
        runner: BaseRunner,
        member_id: str,
        member_label: str,
        *,
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("awardDialog")
        self.setWindowTitle(self.tr("Activity points"))
        self.ctx, self.actor, self.runner, self.language = ctx, actor, runner, language
        self.member_id = member_id
        self.reasons: dict[str, services.AwardReason] = {}

        self.memberLabel = QLabel(member_label)
        self.memberLabel.setObjectName("awardMember")
        self.reasonList = _ReasonList()
        self.reasonList.setObjectName("awardReasons")
        self.reasonList.currentRowChanged.connect(self._reason_changed)
        self.pointsEdit = QLineEdit()
        self.pointsEdit.setObjectName("awardPoints")
        self.pointsEdit.setMaxLength(7)
        self.noteEdit = QLineEdit()
        self.noteEdit.setObjectName("awardNote")
        self.noteEdit.setMaxLength(NOTE_MAX)
        self.noteEdit.setPlaceholderText(self.tr("e.g. the talk's topic, the survey"))
        self.errors = {
            name: error_label(f"award{name}Error")
            for name in ("reason_code", "points", "note", "form")
        }
        self.bookButton, buttons = self._buttons(
            "award", self.tr("Award (Enter)"), self.tr("Cancel (Esc)"), self.book
        )

        form = QFormLayout()
        form.addRow(self.tr("Member:"), self.memberLabel)
        reasonLabel = QLabel(self.tr("&Reason (↑ ↓ or 1–9):"))
        reasonLabel.setBuddy(self.reasonList)
        form.addRow(reasonLabel, self.reasonList)
        form.addRow("", self.errors["reason_code"])
        pointsLabel = QLabel(self.tr("&Points:"))
        pointsLabel.setBuddy(self.pointsEdit)
        form.addRow(pointsLabel, self.pointsEdit)
        form.addRow("", self.errors["points"])
        noteLabel = QLabel(self.tr("&Note:"))
        noteLabel.setBuddy(self.noteEdit)
        form.addRow(noteLabel, self.noteEdit)
        form.addRow("", self.errors["note"])
        self._stack(form, self.errors["form"], buttons)
        self.setTabOrder(self.reasonList, self.noteEdit)
        self.setTabOrder(self.noteEdit, self.pointsEdit)
        self.resize(560, 420)
        self.runner.submit(lambda: services.award_reasons(ctx), self._reasons_loaded)

    def _reasons_loaded(self, reasons: object) -> None:
        assert isinstance(reasons, tuple)
        self.reasons = {r.code: r for r in reasons}
        for number, reason in enumerate(reasons, 1):
            text = self.tr("{0}. {1} — {2:,} points").format(
                number, reason_name(reason, self.language), reason.points
            )
            if reason.max_points > reason.points:
                text = self.tr("{0}. {1} — {2:,} points (up to {3:,})").format(
                    number, reason_name(reason, self.language), reason.points, reason.max_points
                )
            item = QListWidgetItem(text)
            item.setData(CodeRole, reason.code)
            self.reasonList.addItem(item)
        if reasons:
            self.reasonList.setCurrentRow(0)
        else:
            self._show("form", self.tr("HQ's configuration has no activity reasons yet."))
        self.reasonList.setFocus()

    def current_reason(self) -> services.AwardReason | None:
        item = self.reasonList.currentItem()
        return None if item is None else self.reasons.get(str(item.data(CodeRole)))

    def _reason_changed(self, _row: int) -> None:
        reason = self.current_reason()
        if reason is None:
            return
        self.pointsEdit.setText(str(reason.points))
        self.pointsEdit.setReadOnly(reason.max_points <= reason.points)
        self._show("reason_code", "")
        self._show("points", "")

    def _show(self, field: str, text: str) -> None:
        show_message(self.errors.get(field, self.errors["form"]), text)

    def book(self) -> None:
        """Enter: award the points (the core checks role, reason, amount and note again)."""
        reason = self.current_reason()
        if reason is None or self._saving:
            return
        for field in self.errors:
            self._show(field, "")
        raw = self.pointsEdit.text().strip()
        if not raw.isascii() or not raw.isdigit():
            self._show("points", self.tr("Type the points as a whole number."))
            return
        points, note = int(raw), self.noteEdit.text().strip()
        ctx, actor, member_id = self.ctx, self.actor, self.member_id
        self._saving = True
        self.runner.submit(
            lambda: services.award_points(ctx, actor, member_id, reason.code, points, note),
            self._booked,
            self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        if not isinstance(exc, KnownError):
            raise exc
        field = exc.field if isinstance(exc, ValidationError) else "form"
        self._show(field, exc.message(self.language))

    def message(self, result: services.PointsResult) -> str:
        reason = self.current_reason()
        name = reason_name(reason, self.language) if reason is not None else ""
        return self.tr("Activity points booked: +{0:,} ({1}).").format(result.points, name)
