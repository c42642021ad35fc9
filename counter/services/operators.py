"""Operators and their PINs.

A PIN has 10,000 to 10^8 values: no hash stretches that far, so a copied cache must
not be enough to test guesses. The stored hash is scrypt's output keyed (HMAC) with
the PIN key, a secret kept outside the cache (the OS keyring or the 0600 secret file,
like the health key). Hashes made before that (scheme 1) are moved to the keyed
scheme at the operator's next successful sign-in.

Guessing at the counter is stopped by the lockout: ``MAX_WRONG_PINS`` wrong PINs in a
row lock that operator for ``ctx.pin_lockout_minutes``, counted in the cache so a
restart does not reset it. Every attempt, and every lock, is audited.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import math
import os
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from counter.errors import AuthenticationError, PermissionDenied, ValidationError
from counter.ids import uuid7
from counter.keystore import SecretStore
from counter.services import audit
from counter.services.context import ROLES, Actor, ServiceContext
from counter.store.models import Operator

PIN_KEY_NAME = "pin_key"
MAX_WRONG_PINS = 5
SCHEME_PLAIN, SCHEME_KEYED = 1, 2


class OperatorLocked(AuthenticationError):
    """Too many wrong PINs in a row; ``seconds_left`` until the operator may try again."""

    code = "operator_locked"

    def __init__(self, name: str, seconds_left: int) -> None:
        minutes, seconds = divmod(max(1, seconds_left), 60)
        zh_left = f"{minutes} 分 {seconds} 秒" if minutes else f"{seconds} 秒"
        en_left = f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
        super().__init__(
            f"{name} 连续 {MAX_WRONG_PINS} 次 PIN 错误，已锁定。请 {zh_left}后再试。",
            f"{name} is locked after {MAX_WRONG_PINS} wrong PINs in a row. Try again in {en_left}.",
        )
        self.seconds_left = seconds_left


def load_pin_key(secrets: SecretStore) -> bytes:
    """The PIN key, created on first use (once, however many processes start at once)."""
    return base64.b64decode(
        secrets.get_or_create(PIN_KEY_NAME, lambda: base64.b64encode(os.urandom(32)).decode())
    )


def _hash_pin(pin: str, salt: bytes, key: bytes | None) -> bytes:
    stretched = hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return stretched if key is None else hmac.digest(key, stretched, "sha256")


def _pin_key(ctx: ServiceContext) -> bytes:
    if not ctx.pin_key:
        ctx.pin_key = load_pin_key(ctx.secrets)
    return ctx.pin_key


def _check_pin(pin: str) -> None:
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8):
        raise ValidationError("PIN 须为 4–8 位数字。", "The PIN is 4 to 8 digits.", field="pin")


def _set_pin(ctx: ServiceContext, op: Operator, pin: str) -> None:
    op.pin_salt = os.urandom(16)
    op.pin_hash = _hash_pin(pin, op.pin_salt, _pin_key(ctx))
    op.pin_scheme = SCHEME_KEYED


def _new_operator(ctx: ServiceContext, name: str, role: str, pin: str) -> Operator:
    name = name.strip()
    if not name:
        raise ValidationError("请填写操作员姓名。", "Enter the operator's name.", field="name")
    if role not in ROLES:
        raise ValidationError(f"角色无效：{role}", f"Unknown role: {role}", field="role")
    _check_pin(pin)
    op = Operator(
        id=uuid7(), name=name, role=role, active=True, created_at=ctx.now(), failed_pins=0
    )
    _set_pin(ctx, op, pin)
    return op


def create_operator(
    ctx: ServiceContext, name: str, role: str, pin: str, *, by: Actor | None = None
) -> Actor:
    """A new operator, unconditionally (the app's first-run form, seeding, tests);
    ``by`` is who the audit names (default: the new operator)."""
    op = _new_operator(ctx, name, role, pin)
    actor = Actor(op.id, op.name, op.role)
    with ctx.db.write() as s:
        s.add(op)
        audit.record(s, by or actor, "operator.create", op.created_at, role=role, operator=op.id)
    return actor


def add_operator(ctx: ServiceContext, by: Actor | None, name: str, role: str, pin: str) -> Actor:
    """Adding an operator needs a signed-in manager (``by``), except the very first one.

    The check and the insert are one transaction, so two "first" operators cannot both
    slip in.
    """
    if by is not None and by.role != "manager":
        raise PermissionDenied("只有店长可以添加操作员。", "Only a manager can add operators.")
    op = _new_operator(ctx, name, role, pin)
    actor = Actor(op.id, op.name, op.role)
    with ctx.db.write() as s:
        if by is None and s.scalar(select(func.count()).select_from(Operator)):
            raise PermissionDenied(
                "已有操作员：添加操作员需要店长登录（店长 PIN）。",
                "Operators exist already: adding one needs a manager's sign-in (their PIN).",
            )
        s.add(op)
        audit.record(s, by or actor, "operator.create", op.created_at, role=role, operator=op.id)
    return actor


def has_operators(ctx: ServiceContext) -> bool:
    with ctx.db.read() as s:
        return bool(s.scalar(select(func.count()).select_from(Operator)))


def list_operators(ctx: ServiceContext) -> list[Actor]:
    with ctx.db.read() as s:
        rows = s.scalars(select(Operator).where(Operator.active).order_by(Operator.name))
        return [Actor(o.id, o.name, o.role) for o in rows]


def _matches(ctx: ServiceContext, op: Operator, pin: str) -> bool:
    key = _pin_key(ctx) if op.pin_scheme == SCHEME_KEYED else None
    return hmac.compare_digest(_hash_pin(pin, op.pin_salt, key), op.pin_hash)


def _seconds_locked(op: Operator, now: dt.datetime, lockout: dt.timedelta) -> int:
    """Seconds this operator is still locked (0: not locked).

    A PC clock set back would stretch a lock past the setting: never more than one
    lockout from now.
    """
    if op.locked_until is None or now >= op.locked_until:
        return 0
    if op.locked_until - now > lockout:
        op.locked_until = now + lockout
    return math.ceil((op.locked_until - now).total_seconds())


def login(ctx: ServiceContext, operator_id: str, pin: str) -> Actor:
    """The chosen operator, if the PIN is theirs and they are not locked out.

    Every attempt is audited (``operator.login``, ``operator.login_failed``), and so is a
    lock (``operator.locked``); a locked operator's PIN is not even checked.
    """
    now = ctx.now()
    lockout = dt.timedelta(minutes=ctx.pin_lockout_minutes)
    error: AuthenticationError
    with ctx.db.write() as s:
        op = s.get(Operator, operator_id)
        if op is None or not op.active:
            audit.record(
                s, Actor(operator_id, "", ""), "operator.login_failed", now, reason="unknown"
            )
            error = AuthenticationError("PIN 不正确。", "Wrong PIN.")
        elif left := _seconds_locked(op, now, lockout):
            audit.record(
                s, Actor(op.id, op.name, op.role), "operator.login_failed", now, reason="locked"
            )
            error = OperatorLocked(op.name, left)
        elif _matches(ctx, op, pin):
            actor = Actor(op.id, op.name, op.role)
            noted: dict[str, Any] = {}
            if op.pin_scheme != SCHEME_KEYED:
                _set_pin(ctx, op, pin)
                noted["pin_rehashed"] = True
            if op.locked_until is not None:
                noted["lock_expired"] = True  # the end of a lock shows in the trail too
            op.failed_pins, op.locked_until = 0, None
            audit.record(s, actor, "operator.login", now, **noted)
            return actor
        else:
            error = wrong_pin_attempt(s, op, now, lockout, "operator.login_failed")
    raise error


def wrong_pin_attempt(
    s: Session, op: Operator, now: dt.datetime, lockout: dt.timedelta, action: str
) -> AuthenticationError:
    """Count one wrong PIN of ``op`` (audited as ``action``), locking them at the fifth
    in a row; the error to raise once the transaction has committed."""
    actor = Actor(op.id, op.name, op.role)
    op.failed_pins = (op.failed_pins or 0) + 1
    audit.record(s, actor, action, now, reason="wrong_pin", in_row=op.failed_pins)
    if op.failed_pins >= MAX_WRONG_PINS and lockout > dt.timedelta(0):
        op.failed_pins, op.locked_until = 0, now + lockout
        audit.record(s, actor, "operator.locked", now, until=op.locked_until.isoformat())
        return OperatorLocked(op.name, math.ceil(lockout.total_seconds()))
    return _wrong_pin(MAX_WRONG_PINS - op.failed_pins, int(lockout.total_seconds() // 60))


def _wrong_pin(tries_left: int, minutes: int) -> AuthenticationError:
    if minutes <= 0 or tries_left > 2:
        return AuthenticationError("PIN 不正确。", "Wrong PIN.")
    return AuthenticationError(
        f"PIN 不正确。再错 {tries_left} 次将锁定 {minutes} 分钟。",
        f"Wrong PIN. {tries_left} more wrong and you are locked for {minutes} min.",
    )
