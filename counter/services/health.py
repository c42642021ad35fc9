"""Health information (sensitive personal information, PIPL): every view is audited."""

from __future__ import annotations

from counter.services import audit
from counter.services.context import Actor, ServiceContext


def audit_health_view(ctx: ServiceContext, actor: Actor, member_id: str, what: str) -> None:
    """Record that ``actor`` was shown ``what`` (e.g. the allergy banner) of a member's health.

    Kept off the scan's hot path: the UI calls it from its database worker right after
    painting the panel.
    """
    with ctx.db.write() as s:
        audit.record(s, actor, "health.view", ctx.now(), member_id=member_id, what=what)
