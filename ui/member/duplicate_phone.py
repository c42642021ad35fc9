"""The registration form's duplicate check: a mobile number that is already a member's (here,
or at HQ when the store has no record of it) is said under the mobile field, with the member,
so the assistant can open them instead of registering them again."""

from __future__ import annotations

import logging
import re

from PySide6.QtCore import QObject, Slot

from counter import services
from ui.member.field_errors import FieldErrors
from ui.shell.tasks import BaseRunner

log = logging.getLogger(__name__)

PHONE_DIGITS = re.compile(r"^(?:\+86)?1[3-9]\d{9}$")


class DuplicatePhoneCheck(QObject):
    """``existing``: the member who has the phone typed, once an answer says so."""

    def __init__(
        self,
        ctx: services.ServiceContext,
        actor: services.Actor,
        runner: BaseRunner,
        errors: FieldErrors,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.runner, self.errors = ctx, actor, runner, errors
        self.existing: services.MemberView | None = None
        self._phone_asked = ""

    @Slot(str)
    def edited(self, text: str) -> None:
        self.existing = None
        self.errors.hide("phone")
        phone = re.sub(r"[\s-]", "", text)
        if not PHONE_DIGITS.match(phone) or phone == self._phone_asked:
            self._phone_asked = "" if not PHONE_DIGITS.match(phone) else self._phone_asked
            return
        self._phone_asked = phone
        ctx, actor = self.ctx, self.actor
        self.runner.submit(
            lambda: services.lookup(ctx, actor, phone),
            lambda result: self._answer(phone, result, online=False),
            lambda exc: log.warning("duplicate check failed: %s", exc),
        )

    def _answer(self, phone: str, result: object, *, online: bool) -> None:
        if phone != self._phone_asked or not isinstance(result, services.LookupResult):
            return  # typed on since: a stale answer
        if result.outcome == "found" and result.member is not None:
            self.existing = result.member
            self.errors.show(
                "phone",
                self.tr(
                    "Already a member: {0} (no. {1}). Press Enter here to open them instead "
                    "of registering again."
                ).format(result.member.name, result.member.member_no or "—"),
            )
            return
        if not online and result.outcome == "not_found" and self.ctx.hq_url:
            ctx, actor = self.ctx, self.actor
            self.runner.submit(
                lambda: services.lookup_online(ctx, actor, phone),
                lambda answer: self._answer(phone, answer, online=True),
                lambda exc: log.warning("HQ duplicate check failed: %s", exc),
            )
