"""Pending operations stay on top of what a push's answers bring back (real HQ, HTTP)."""

from __future__ import annotations

from sync_helpers import HQ, Counter

from counter import services
from counter.services.connection import make_client
from counter.sync.engine import sync_once
from counter.sync.push import PushStats, push_all


def _complaint(c: Counter, member_id: str, text: str) -> services.ComplaintView:
    return services.create_complaint(
        c.ctx,
        c.actor,
        member_id=member_id,
        category="price",
        severity="medium",
        channel="counter",
        description=text,
    )


def test_answered_complaints_keep_their_pending_updates_on_top(hq: HQ) -> None:
    hq.seed(3)
    c = hq.counter()
    assert sync_once(c.ctx).ok
    member = services.register_member(c.ctx, c.actor, services.MemberForm("钱多多", "13800000002"))
    first = _complaint(c, member.id, "标价不符")
    second = _complaint(c, member.id, "缺货")
    services.update_complaint(c.ctx, c.actor, second.id, status="handling", note="补货中")
    services.update_complaint(c.ctx, c.actor, first.id, status="handling", note="核对价签")
    client = make_client(c.ctx)
    assert client is not None
    # One batch of 3: the registration and both creations; the two updates stay pending.
    push_all(c.ctx, client, PushStats(), batch_size=3, should_stop=lambda: True)
    client.close()
    for complaint, note in ((first, "核对价签"), (second, "补货中")):
        view = services.get_complaint(c.ctx, c.actor, complaint.id)
        assert view.synced  # HQ's record of the creation was written …
        assert view.status == "handling"  # … and the pending update laid over it again
        assert [n.text for n in view.notes] == [note]
