"""Operators and their PINs; a PIN is stored only as a salted scrypt hash."""

from __future__ import annotations

import hashlib
import hmac
import os

from sqlalchemy import func, select

from counter.errors import AuthenticationError, ValidationError
from counter.ids import uuid7
from counter.services import audit
from counter.services.context import ROLES, Actor, ServiceContext
from counter.store.models import Operator


def _hash_pin(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)


def create_operator(ctx: ServiceContext, name: str, role: str, pin: str) -> Actor:
    name = name.strip()
    if not name:
        raise ValidationError("请填写操作员姓名。", "Enter the operator's name.", field="name")
    if role not in ROLES:
        raise ValidationError(f"角色无效：{role}", f"Unknown role: {role}", field="role")
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8):
        raise ValidationError("PIN 须为 4–8 位数字。", "The PIN is 4 to 8 digits.", field="pin")
    salt = os.urandom(16)
    now = ctx.now()
    op = Operator(
        id=uuid7(),
        name=name,
        role=role,
        pin_salt=salt,
        pin_hash=_hash_pin(pin, salt),
        active=True,
        created_at=now,
    )
    with ctx.db.write() as s:
        s.add(op)
        actor = Actor(op.id, op.name, op.role)
        audit.record(s, actor, "operator.create", now, role=role)
    return actor


def has_operators(ctx: ServiceContext) -> bool:
    with ctx.db.read() as s:
        return bool(s.scalar(select(func.count()).select_from(Operator)))


def list_operators(ctx: ServiceContext) -> list[Actor]:
    with ctx.db.read() as s:
        rows = s.scalars(select(Operator).where(Operator.active).order_by(Operator.name))
        return [Actor(o.id, o.name, o.role) for o in rows]


def login(ctx: ServiceContext, operator_id: str, pin: str) -> Actor:
    """The chosen operator, if the PIN is theirs; every attempt is audited."""
    with ctx.db.write() as s:
        op = s.get(Operator, operator_id)
        if (
            op is not None
            and op.active
            and hmac.compare_digest(_hash_pin(pin, op.pin_salt), op.pin_hash)
        ):
            actor = Actor(op.id, op.name, op.role)
            audit.record(s, actor, "operator.login", ctx.now())
            return actor
        audit.record(s, Actor(operator_id, "", ""), "operator.login_failed", ctx.now())
    raise AuthenticationError("PIN 不正确。", "Wrong PIN.")
