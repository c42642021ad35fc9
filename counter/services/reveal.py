"""Reveal one member's name and phone, on demand and audited (DESIGN §7, PIPL).

Every screen masks name and phone for every role (张*明, 138****1234). A service assistant
or a store manager who needs them (to call the member, to check identity) asks for this
one member; the audit entry is written in the same transaction as the read, so nothing is
shown that the log does not record.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from counter.errors import NotFoundError
from counter.services import audit
from counter.services.context import Actor, ServiceContext
from counter.services.ops import require_role
from counter.store.models import Member

REVEAL_ROLES = ("service", "manager")


@dataclass(frozen=True)
class Contact:
    member_id: str
    name: str
    phone: str


def reveal_member(ctx: ServiceContext, actor: Actor, member_id: str, why: str = "") -> Contact:
    """The member's name and phone in clear; refused to a cashier, audited for the others."""
    require_role(actor, REVEAL_ROLES, "查看完整姓名和手机号", "see a member's full name and phone")
    with ctx.db.write() as s:
        row = s.execute(
            select(Member.name, Member.phone).where(
                Member.id == member_id, Member.status == "active"
            )
        ).one_or_none()
        if row is None:
            raise NotFoundError("未找到该会员。", "No such member.")
        audit.record(s, actor, "member.reveal", ctx.clock(), member_id=member_id, why=why)
        return Contact(member_id, row.name, row.phone)
