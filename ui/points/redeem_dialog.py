"""F6: redeem points for a reward from HQ's catalogue (积分兑换, DESIGN §5, §11).

The rewards are listed with their numbers: a digit picks one, the arrows move; Tab goes to
the quantity. The balance before and after shows as the cashier chooses, and why not when
the choice cannot be had (the balance online; offline the points left under the day's cap,
shown at the top; a reward's daily limit). Enter redeems through
``services.redeem_points`` with the reward's code, which checks all of it again. For one
reward: F6, its number, Enter.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from counter import services
from counter.errors import KnownError
from counter.privacy import mask_name
from counter.services.rewards import (
    MAX_QUANTITY,
    RedeemOptions,
    RewardChoice,
    redeem_options,
    redeem_problem,
)
from ui.points.labels import balance_line
from ui.shell.tasks import BaseRunner

ERROR_STYLE = "color: #b00020;"


class _RewardList(QListWidget):
    """Digits 1–9 pick the reward of that number; Enter is the dialog's."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text.isdigit() and text != "0" and int(text) <= self.count():
            self.setCurrentRow(int(text) - 1)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.ignore()
            return
        super().keyPressEvent(event)


class RedeemDialog(QDialog):
    """``redeemed`` carries the ``PointsResult`` and the reward's name once booked."""

    redeemed = Signal(object, str)

    def __init__(
        self,
        ctx: services.ServiceContext,
        actor: services.Actor,
        runner: BaseRunner,
        member: services.MemberView,
        *,
        online: bool,
        language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("redeemDialog")
        self.setWindowTitle(self.tr("Redeem points (F6)"))
        self.ctx, self.actor, self.runner, self.language = ctx, actor, runner, language
        self.member, self.online = member, online
        self.options: RedeemOptions | None = None
        self._booking = False

        self.memberLabel = QLabel()
        self.memberLabel.setObjectName("redeemMember")
        self.memberLabel.setWordWrap(True)
        self.modeLabel = QLabel()
        self.modeLabel.setObjectName("redeemMode")
        self.modeLabel.setWordWrap(True)
        self.rewardList = _RewardList()
        self.rewardList.setObjectName("rewardList")
        self.rewardList.currentRowChanged.connect(self._update)
        self.quantitySpin = QSpinBox()
        self.quantitySpin.setObjectName("quantitySpin")
        self.quantitySpin.setRange(1, MAX_QUANTITY)
        self.quantitySpin.valueChanged.connect(self._update)
        self.summaryLabel = QLabel()
        self.summaryLabel.setObjectName("redeemSummary")
        font = self.summaryLabel.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.summaryLabel.setFont(font)
        self.errorLabel = QLabel()
        self.errorLabel.setObjectName("redeemError")
        self.errorLabel.setStyleSheet(ERROR_STYLE)
        self.errorLabel.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("Member:"), self.memberLabel)
        form.addRow(self.modeLabel)
        rewards = QLabel(self.tr("&Reward (its number or the arrows):"))
        rewards.setBuddy(self.rewardList)
        form.addRow(rewards)
        form.addRow(self.rewardList)
        quantity = QLabel(self.tr("&Quantity:"))
        quantity.setBuddy(self.quantitySpin)
        form.addRow(quantity, self.quantitySpin)

        self.redeemButton = QPushButton(self.tr("&Redeem (Enter)"))
        self.redeemButton.setObjectName("redeemButton")
        self.redeemButton.clicked.connect(self.redeem)
        cancel = QPushButton(self.tr("Cancel (Esc)"))
        cancel.setObjectName("cancelRedeemButton")
        cancel.clicked.connect(self.reject)
        for button in (self.redeemButton, cancel):
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.redeemButton)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summaryLabel)
        layout.addWidget(self.errorLabel)
        layout.addLayout(buttons)
        self.resize(640, 520)
        self.reload()

    def focus_first(self) -> None:
        self.rewardList.setFocus()

    def reload(self) -> None:
        ctx, actor, member_id, online = self.ctx, self.actor, self.member.id, self.online
        self.runner.submit(lambda: redeem_options(ctx, actor, member_id, online), self._loaded)

    def _loaded(self, options: object) -> None:
        if not isinstance(options, RedeemOptions):
            return
        self.options = options
        view = options.member
        self.memberLabel.setText(
            self.tr("{0} · {1}").format(mask_name(view.name), balance_line(view))
        )
        if options.online:
            self.modeLabel.setText(
                self.tr("HQ is online: the member may redeem up to the balance.")
            )
        else:
            self.modeLabel.setText(
                self.tr(
                    "Offline: this member may redeem {0:,} more points here today "
                    "(at most {1:,} a day while HQ cannot be asked)."
                ).format(options.offline_left, options.offline_cap)
            )
        row = max(0, self.rewardList.currentRow())
        self.rewardList.blockSignals(True)
        self.rewardList.clear()
        for choice in options.choices:
            item = QListWidgetItem(self._choice_text(choice))
            item.setData(Qt.ItemDataRole.UserRole, choice.number)
            self.rewardList.addItem(item)
        self.rewardList.blockSignals(False)
        if options.choices:
            self.rewardList.setCurrentRow(min(row, len(options.choices) - 1))
        else:
            self.errorLabel.setText(self.tr("HQ's catalogue has no rewards."))
        self._update()

    def _choice_text(self, choice: RewardChoice) -> str:
        r = choice.reward
        text = self.tr("{0}. {1} · {2:,} points").format(choice.number, r.name, r.points)
        if r.daily_limit is not None:
            text += self.tr(" · at most {0} a day ({1} left today)").format(
                r.daily_limit, choice.left_today
            )
        return text

    def chosen(self) -> RewardChoice | None:
        options, row = self.options, self.rewardList.currentRow()
        if options is None or not 0 <= row < len(options.choices):
            return None
        return options.choices[row]

    def _update(self) -> None:
        options, choice = self.options, self.chosen()
        if options is None or choice is None:
            self.summaryLabel.setText("")
            self.redeemButton.setEnabled(False)
            return
        quantity = self.quantitySpin.value()
        total = choice.reward.points * quantity
        before = options.member.points_shown
        self.summaryLabel.setText(
            self.tr("{0} × {1} = {2:,} points · balance {3:,} → {4:,}").format(
                choice.reward.name, quantity, total, before, before - total
            )
        )
        problem = redeem_problem(options, choice.number, quantity)
        self.errorLabel.setText(problem.message(self.language) if problem is not None else "")
        self.redeemButton.setEnabled(problem is None)

    def redeem(self) -> None:
        options, choice = self.options, self.chosen()
        if self._booking or options is None or choice is None:
            return
        quantity = self.quantitySpin.value()
        problem = redeem_problem(options, choice.number, quantity)
        if problem is not None:
            self.errorLabel.setText(problem.message(self.language))
            return
        ctx, actor, member_id, online = self.ctx, self.actor, self.member.id, options.online
        reward, points = choice.reward, choice.reward.points * quantity
        self._booking = True
        self.runner.submit(
            lambda: services.redeem_points(
                ctx, actor, member_id, points, reward.name, online,
                reward=reward.code, quantity=quantity,
            ),
            lambda result: self._redeemed(result, reward.name, quantity),
            self._refused,
        )  # fmt: skip

    def _refused(self, exc: BaseException) -> None:
        self._booking = False
        if not isinstance(exc, KnownError):
            self.runner.handle_error(exc, None)
            return
        self.errorLabel.setText(exc.message(self.language))
        self.reload()

    def _redeemed(self, result: object, name: str, quantity: int) -> None:
        self._booking = False
        if isinstance(result, services.PointsResult):
            self.redeemed.emit(result, f"{name} × {quantity}")
            self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.redeem()
            return
        super().keyPressEvent(event)
