"""The member's tier and the spend still needed for the next one ("再消费 ¥320 升金卡").

HQ decides tiers from the self-paid spend of the last 12 months (DESIGN §5) and sends its
figure on the member record (``tier_spend_fen``). The counter adds what HQ has not counted
yet: this counter's earns (and refunds) that are pending, or booked but not pulled (the
write checkpoint of ``counter.services.views``), and computes the progress with the same
``counter.rules.tier_progress`` everywhere.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from counter import rules
from counter.services.config import current_rules
from counter.services.context import Actor, ServiceContext
from counter.services.ops import active_member

SPEND_WINDOW = dt.timedelta(days=365)

# Self-paid money of this counter's earns HQ's figure does not hold yet, less the self-paid
# money of refunds likewise not counted (their payload says how much was refunded).
_NOT_YET_COUNTED = """
SELECT COALESCE(SUM(CASE p.kind
          WHEN 'earn' THEN r.self_paid_fen
          ELSE -json_extract(o.payload, '$.refunded_fen') END), 0)
  FROM points_entries p
  JOIN receipts r ON r.receipt_no = p.receipt_no
  JOIN outbox o ON o.op_id = p.id
 WHERE p.member_id = :member AND p.kind IN ('earn', 'reverse') AND r.sold_at >= :since
   AND (p.state = 'pending' OR (p.state = 'applied' AND p.hq_seq > :member_seq))
"""


def member_tier_progress(ctx: ServiceContext, actor: Actor, member_id: str) -> rules.TierProgress:
    """The member's tier, spend and what is left to the next tier, as this counter knows it."""
    now = ctx.now()
    with ctx.db.read() as s:
        member = active_member(s, member_id)
        thresholds = current_rules(s, ctx).points.tier_thresholds_fen
        since = (now - SPEND_WINDOW).astimezone(dt.UTC).isoformat(timespec="microseconds")
        extra = s.execute(
            text(_NOT_YET_COUNTED),
            {"member": member_id, "since": since, "member_seq": member.hq_seq or 0},
        ).scalar()
        spend = max(0, int(member.tier_spend_fen or 0) + int(extra or 0))
        return rules.tier_progress(thresholds, member.tier, spend)
