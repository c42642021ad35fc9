"""The manager's side of operators (F12, Operators tab): add, change a role, disable,
reset a PIN, unlock early; and every operator's own PIN change.

Each act is one transaction that re-reads the acting manager (a manager demoted or
disabled at another counter a minute ago is refused) and writes its audit row. The store
must always keep one active manager: demoting or disabling the last one is refused with
``LastManagerError``, checked inside the same transaction so two managers demoting each
other at two counters cannot both succeed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from counter.errors import AuthenticationError, NotFoundError, PermissionDenied, ValidationError
from counter.services import audit
from counter.services.context import ROLES, Actor, ServiceContext
from counter.services.operators import (
    OperatorLocked,
    _check_pin,
    _matches,
    _seconds_locked,
    _set_pin,
    add_operator,
    wrong_pin_attempt,
)
from counter.store.models import Operator


class LastManagerError(PermissionDenied):
    """The act would leave the store without an active manager."""

    code = "last_manager"

    def __init__(self, name: str) -> None:
        super().__init__(
            f"{name} 是本店唯一在职的店长：请先添加或启用另一位店长。",
            f"{name} is the store's only active manager: add or enable another manager first.",
        )


class PinMismatch(ValidationError):
    """The PIN typed twice differs: nothing is changed."""

    code = "pin_mismatch"

    def __init__(self, field: str = "pin_again") -> None:
        super().__init__(
            "两次输入的 PIN 不一致，请重新输入。",
            "The two PINs differ; type them again.",
            field=field,
        )


@dataclass(frozen=True)
class OperatorRow:
    """One operator as the Operators tab lists them (never the hash)."""

    id: str
    name: str
    role: str
    active: bool
    locked_seconds: int  # 0: not locked
    failed_pins: int
    created_at: dt.datetime


def _manager(s: Session, by: Actor) -> Operator:
    row = s.get(Operator, by.operator_id)
    if row is None or not row.active or row.role != "manager":
        raise PermissionDenied(
            "只有在职的店长可以管理操作员。", "Only an active store manager manages operators."
        )
    return row


def _target(s: Session, operator_id: str) -> Operator:
    row = s.get(Operator, operator_id)
    if row is None:
        raise NotFoundError("找不到该操作员。", "No such operator.")
    return row


def _other_active_managers(s: Session, operator_id: str) -> int:
    return int(
        s.scalar(
            select(func.count())
            .select_from(Operator)
            .where(Operator.role == "manager", Operator.active, Operator.id != operator_id)
        )
        or 0
    )


def _pin_pair(pin: str, pin_again: str, *, field: str = "pin") -> None:
    try:
        _check_pin(pin)
    except ValidationError as exc:
        exc.field = field
        raise
    if pin != pin_again:
        raise PinMismatch(f"{field}_again")


def list_all_operators(ctx: ServiceContext, by: Actor) -> list[OperatorRow]:
    """Every operator, disabled ones too, active first then by name (managers only)."""
    now = ctx.now()
    lockout = dt.timedelta(minutes=ctx.pin_lockout_minutes)
    with ctx.db.read() as s:
        _manager(s, by)
        rows = s.scalars(select(Operator).order_by(Operator.active.desc(), Operator.name))
        return [
            OperatorRow(
                id=o.id,
                name=o.name,
                role=o.role,
                active=bool(o.active),
                locked_seconds=_seconds_locked(o, now, lockout),
                failed_pins=o.failed_pins or 0,
                created_at=o.created_at,
            )
            for o in rows
        ]


def new_operator(
    ctx: ServiceContext, by: Actor, name: str, role: str, pin: str, pin_again: str
) -> Actor:
    """A manager adds an operator; the PIN typed twice must agree, the name be new."""
    _pin_pair(pin, pin_again)
    with ctx.db.read() as s:
        _manager(s, by)
        taken = s.scalar(
            select(func.count())
            .select_from(Operator)
            .where(Operator.active, Operator.name == name.strip())
        )
    if taken:
        raise ValidationError(
            f"已有名为 {name.strip()} 的在职操作员：请用能区分的名字（如加姓氏或工号）。",
            f"An active operator is named {name.strip()} already: use a name that tells them "
            "apart (add a surname or staff number).",
            field="name",
        )
    return add_operator(ctx, by, name, role, pin)


def change_role(ctx: ServiceContext, by: Actor, operator_id: str, role: str) -> None:
    if role not in ROLES:
        raise ValidationError(f"角色无效：{role}", f"Unknown role: {role}", field="role")
    with ctx.db.write() as s:
        _manager(s, by)
        op = _target(s, operator_id)
        if op.role == role:
            return
        if op.role == "manager" and op.active and not _other_active_managers(s, op.id):
            raise LastManagerError(op.name)
        audit.record(s, by, "operator.role", ctx.now(), operator=op.id, before=op.role, after=role)
        op.role = role


def set_active(ctx: ServiceContext, by: Actor, operator_id: str, active: bool) -> None:
    """Disable (they leave the sign-in list; their history stays) or enable again."""
    with ctx.db.write() as s:
        _manager(s, by)
        op = _target(s, operator_id)
        if bool(op.active) == active:
            return
        if not active and op.id == by.operator_id:
            raise PermissionDenied(
                "不能停用自己：请另一位店长操作。",
                "You cannot disable yourself: ask another manager.",
            )
        if not active and op.role == "manager" and not _other_active_managers(s, op.id):
            raise LastManagerError(op.name)
        op.active = active
        action = "operator.enable" if active else "operator.disable"
        audit.record(s, by, action, ctx.now(), operator=op.id)


def reset_pin(ctx: ServiceContext, by: Actor, operator_id: str, pin: str, pin_again: str) -> None:
    """A manager sets a new PIN for someone who forgot theirs; it also lifts a lock."""
    _pin_pair(pin, pin_again)
    with ctx.db.write() as s:
        _manager(s, by)
        op = _target(s, operator_id)
        _set_pin(ctx, op, pin)
        was_locked = op.locked_until is not None and op.locked_until > ctx.now()
        op.failed_pins, op.locked_until = 0, None
        audit.record(s, by, "operator.pin_reset", ctx.now(), operator=op.id, unlocked=was_locked)


def unlock(ctx: ServiceContext, by: Actor, operator_id: str) -> bool:
    """Lift a PIN lock before it ends (the manager has seen who is at the counter).

    False: they were not locked (nothing is written)."""
    now = ctx.now()
    with ctx.db.write() as s:
        _manager(s, by)
        op = _target(s, operator_id)
        lockout = dt.timedelta(minutes=ctx.pin_lockout_minutes)
        left = _seconds_locked(op, now, lockout)
        if not left and not op.failed_pins:
            return False
        op.failed_pins, op.locked_until = 0, None
        audit.record(s, by, "operator.unlock", now, operator=op.id, seconds_left=left)
        return True


def change_own_pin(
    ctx: ServiceContext, actor: Actor, old_pin: str, pin: str, pin_again: str
) -> None:
    """Any operator changes their own PIN with the old one.

    A wrong old PIN is a wrong PIN like at the sign-in: it counts towards the lock
    (audited ``operator.pin_change_failed``), so this is no way round the lockout.
    """
    _pin_pair(pin, pin_again, field="new_pin")
    now = ctx.now()
    lockout = dt.timedelta(minutes=ctx.pin_lockout_minutes)
    error: AuthenticationError
    with ctx.db.write() as s:
        op = _target(s, actor.operator_id)
        if not op.active:
            raise PermissionDenied("该操作员已停用。", "This operator is disabled.")
        if left := _seconds_locked(op, now, lockout):
            audit.record(s, actor, "operator.pin_change_failed", now, reason="locked")
            error = OperatorLocked(op.name, left)
        elif _matches(ctx, op, old_pin):
            _set_pin(ctx, op, pin)
            op.failed_pins, op.locked_until = 0, None
            audit.record(s, actor, "operator.pin_change", now)
            return
        else:
            error = wrong_pin_attempt(s, op, now, lockout, "operator.pin_change_failed")
    raise error
