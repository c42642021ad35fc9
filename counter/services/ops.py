"""Writing an operation to the outbox, checked against the HQ contract first.

Every service that changes the cache calls :func:`queue_op` inside its one write
transaction. The payload is validated with ``counter.contract`` (the same code HQ runs on
receipt) and stored in its canonical form, so an operation HQ would refuse as malformed
is refused here, at the counter, where a person can still correct it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from counter import contract, outbox
from counter.errors import NotFoundError, PermissionDenied, ValidationError
from counter.services.context import Actor, ServiceContext
from counter.store.models import Member, OutboxOp
from counter.store.outbox_health import seal_payload

log = logging.getLogger(__name__)

HEALTH_ROLES = ("service", "manager")
MANAGER_ROLES = ("manager",)
_ANNOUNCED = "on_write_announced"


# What the person at the counter calls the fields a text refusal can name.
FIELD_LABELS = {
    "name": ("姓名", "name"),
    "address": ("地址", "address"),
    "email": ("电子邮箱", "e-mail"),
    "education": ("学历", "education"),
    "income": ("收入", "income"),
    "marital_status": ("婚姻状况", "marital status"),
    "allergies": ("药物过敏", "drug allergies"),
    "chronic": ("慢性病", "chronic conditions"),
    "medicines": ("常用药", "regular medicines"),
    "reason": ("原因", "reason"),
    "receipt_no": ("小票号", "receipt number"),
    "category": ("商品类别", "category"),
    "customer_name": ("顾客姓名", "customer's name"),
    "customer_phone": ("顾客电话", "customer's phone"),
    "description": ("投诉内容", "description"),
    "wants": ("顾客诉求", "what the customer wants"),
    "note": ("备注", "note"),
    "operator_id": ("操作员", "operator"),
    "store_code": ("门店编码", "store code"),
}
_TEXT_REASONS = {
    "control_character": "控制字符",
    "unpaired_surrogate": "无效的 Unicode 字符",
    "bidi_control": "文字方向控制符",
}


def text_refusal(field: str, reason: str) -> ValidationError:
    """Text the contract refuses (a control character, …), said in the field's own words."""
    zh_label, en_label = FIELD_LABELS.get(field, (field, field))
    return ValidationError(
        f"「{zh_label}」含有不允许的字符（{_TEXT_REASONS.get(reason, reason)}），"
        "请删除后重新输入。",
        f"The {en_label} holds a character that is not allowed "
        f"({reason.replace('_', ' ')}); remove it and try again.",
        field=field,
        detail=reason,
    )


def check_text(field: str, value: str | None, *, multiline: bool = False) -> None:
    """Refuse what the contract would refuse, before the text reaches any table.

    Services that write their rows before :func:`queue_op` validates call this on their
    input first: a lone surrogate cannot even be stored in SQLite.
    """
    problem = contract.text_problem(value, multiline=multiline) if value else None
    if problem is not None:
        raise text_refusal(field, problem[0])


def contract_error(exc: contract.ContractError) -> ValidationError:
    """A contract refusal as a message for the person at the counter."""
    field = str(exc.details.get("field", ""))
    reason = str(exc.details.get("reason", ""))
    if reason in _TEXT_REASONS:
        return text_refusal(field, reason)
    return ValidationError(
        f"内容不符合总部接口要求：{exc.message}",
        f"Not accepted by the HQ contract: {exc.message}",
        field=field,
        detail=exc.code,
    )


def queue_op(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    op_type: str,
    payload: dict[str, Any],
    now: dt.datetime,
    *,
    member_id: str | None = None,
    op_id: str | None = None,
    pc_time: dt.datetime | None = None,
) -> OutboxOp:
    """Validate the whole envelope as HQ will, then append it (canonical payload, health
    sealed: counter/store/outbox_health.py).

    ``now`` is the counter's time (``ctx.now()``). ``pc_time``, what the PC's own clock
    said, is kept beside it for the record; by default it is ``now`` with the skew put back.
    """
    op = outbox.new_op_id() if op_id is None else op_id
    if pc_time is None:
        skew = ctx.clock_skew_s
        pc_time = now if skew is None else now + dt.timedelta(seconds=skew)
    try:
        envelope = contract.validate_op(
            {
                "op_id": op,
                "type": op_type,
                "created_at": contract.format_time(now),
                "pc_time": contract.format_time(pc_time),
                "store_code": ctx.store_code,
                "operator_id": actor.operator_id,
                "payload": payload,
            }
        )
    except contract.ContractError as exc:
        if exc.details.get("field") == "store_code":
            raise ValidationError(
                "本机未设置门店编码（store_code），无法记录操作。",
                "This counter has no store code set (setting store_code).",
                field="store_code",
            ) from None
        raise contract_error(exc) from None
    _announce_after_commit(session, ctx)
    return outbox.append(
        session,
        type=op_type,
        payload=seal_payload(ctx.cipher, op, op_type, envelope["payload"]),
        store_code=ctx.store_code,
        operator_id=actor.operator_id,
        now=now,
        pc_time=pc_time,
        member_id=member_id,
        op_id=op,
    )


def _announce_after_commit(session: Session, ctx: ServiceContext) -> None:
    """Call ``ctx.on_write`` once this transaction is durable (never for a rollback)."""
    hook = ctx.on_write
    if hook is None or session.info.get(_ANNOUNCED):
        return
    session.info[_ANNOUNCED] = True

    def committed(done: Session) -> None:
        done.info.pop(_ANNOUNCED, None)
        try:
            hook()
        except Exception:  # the write is committed: a failing listener must not undo the answer
            log.exception("on_write listener failed")

    event.listen(session, "after_commit", committed, once=True)


# Points ops and the sign of their ledger entry: earned or awarded +, redeemed or reversed -.
POINTS_SIGNS = {"points.earn": 1, "points.award": 1, "points.redeem": -1, "points.reverse": -1}


def points_delta(op_type: str, payload: dict[str, Any]) -> int:
    """The ledger entry a points op makes (its payload's ``points``, signed)."""
    return POINTS_SIGNS[op_type] * int(payload["points"])


def require_role(actor: Actor, roles: Iterable[str], what_zh: str, what_en: str) -> None:
    allowed = tuple(roles)
    if actor.role not in allowed:
        raise PermissionDenied(
            f"当前角色无权{what_zh}。", f"Your role may not {what_en}.", detail=actor.role
        )


def active_member(session: Session, member_id: str) -> Member:
    """The member as cached, if active; merged or deleted members are not written to."""
    member = session.get(Member, member_id)
    if member is None or member.status != "active":
        raise NotFoundError("未找到该会员。", "No such member.", detail=member_id)
    return member
