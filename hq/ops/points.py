"""Points ops at HQ, booked in the points ledger: ``points.earn``, ``points.redeem``, and since
1.1 ``points.reverse`` (a refund) and ``points.award`` (activity points).

HQ decides the member's tier from the 12-month self-paid spend of their receipts
(config ``points.tier_thresholds_fen``, DESIGN §5) whenever it books an earn (which may
raise it) or a refund (which may lower it); the change is kept in ``tier_changes`` like
``hq member tier``'s, so earns computed under the old tier are still booked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from counter import rules
from counter.contract import SELF_PAID_TENDERS, TIERS, parse_time
from counter.rules import STORE_TZ
from hq.ops.base import Applied, Batch, Rejection, _book, _member, _refresh
from hq.ops.rewards import record_reward, reward_day
from hq.records import SPEND_WINDOW, dumps, refresh_member
from hq.review import offline_day
from hq.rulebook import EarnRefused

# A refund took the balance below zero: booked (the money went back), flagged for review.
BELOW_ZERO_CODE = "reverse_below_zero"


def _earn(batch: Batch, op: dict[str, Any]) -> Applied:
    fx, p = batch.fx, op["payload"]
    member = _member(batch, p["member_id"])
    first = fx.one(
        "SELECT op_id FROM receipts WHERE store_code = ? AND receipt_no = ?",
        (batch.store_code, p["receipt_no"]),
    )
    if first is not None:
        raise Rejection(
            "receipt_already_earned",
            "this receipt has already earned points",
            {"op_id": first[0], "receipt_no": p["receipt_no"]},
        )
    sold_at = parse_time(p["sold_at"])
    try:  # under the rules version and tier the counter used (hq/rulebook.py)
        basis = batch.book.check_earn(p, member)
    except EarnRefused as refused:
        raise Rejection(refused.code, refused.message, refused.details) from None
    expected = basis.points
    fx.execute(
        "INSERT INTO receipts (store_code, receipt_no, op_id, member_id, sold_at, amount_fen,"
        " points, rules_version, superseded_rules, self_paid_fen)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            batch.store_code,
            p["receipt_no"],
            op["op_id"],
            member["id"],
            fx.time(sold_at),
            sum(line["amount_fen"] for line in p["lines"]),
            expected,
            basis.rules_version,
            fx.bool(basis.superseded),
            sum(t["amount_fen"] for t in p["tenders"] if t["kind"] in SELF_PAID_TENDERS),
        ),
    )
    _book(
        batch,
        op["op_id"],
        member["id"],
        expected,
        "earn",
        earned_on=sold_at.astimezone(STORE_TZ).date(),
        receipt_no=p["receipt_no"],
    )
    applied = _tiered(batch, member, lower=False)
    if basis.superseded:  # the counter's problems list counts these (docs/points.md)
        return Applied(applied.seq, applied.entity, note=',"superseded_rules":true')
    return applied


def _redeem(batch: Batch, op: dict[str, Any]) -> Applied:
    fx, p = batch.fx, op["payload"]
    member = _member(batch, p["member_id"])
    total = fx.one(
        "SELECT COALESCE(SUM(delta), 0) FROM points_ledger WHERE member_id = ?", (member["id"],)
    )
    balance = int(total[0]) if total is not None else 0
    points = p["points"]
    if points > balance and not p["offline"]:
        raise Rejection(
            "insufficient_points",
            f"the member has {balance} points, not {points}",
            {"balance": balance},
        )
    offline = (
        offline_day(
            fx, batch.rules, batch.store_code, member["id"], points, parse_time(op["created_at"])
        )
        if p["offline"]
        else None
    )
    reward = reward_day(batch, op, member["id"])
    _book(
        batch,
        op["op_id"],
        member["id"],
        -points,
        "redeem",
        receipt_no=p.get("receipt_no"),
        overdraft=points > balance,
        offline=offline,
    )
    if reward is not None:
        record_reward(batch, op["op_id"], reward)
    applied = _refresh(batch, member["id"], member)
    if offline is not None and offline.over_cap:
        return replace(applied, review=dumps(offline.review()))
    if reward is not None and reward.over_limit:
        return replace(applied, review=dumps(reward.review()))
    return applied


# ------------------------------------------------------------------ refunds and awards


def _balance(batch: Batch, member_id: str) -> int:
    row = batch.fx.one(
        "SELECT COALESCE(SUM(delta), 0) FROM points_ledger WHERE member_id = ?", (member_id,)
    )
    return int(row[0]) if row is not None else 0


def _reverse(batch: Batch, op: dict[str, Any]) -> Applied:
    """A refund: takes back, in proportion to the self-paid money refunded, what the receipt
    earned (``counter.rules.reverse_points``), never more; booked even below zero (the
    money went back), flagged for review then."""
    fx, p = batch.fx, op["payload"]
    member = _member(batch, p["member_id"])
    receipt_no = p["receipt_no"]
    row = fx.one(
        "SELECT member_id, points, self_paid_fen, reversed_fen, reversed_points FROM receipts"
        " WHERE store_code = ? AND receipt_no = ?",
        (batch.store_code, receipt_no),
    )
    if row is None:
        raise Rejection(
            "receipt_not_found",
            "this store has no earn for this receipt",
            {"receipt_no": receipt_no},
        )
    owner, points, self_paid, reversed_fen, reversed_points = (
        row[0], int(row[1]), int(row[2]), int(row[3]), int(row[4])
    )  # fmt: skip
    if _owner(batch, owner) != member["id"]:
        raise Rejection(
            "receipt_other_member",
            "this receipt earned for another member",
            {"receipt_no": receipt_no},
        )
    left_fen = self_paid - reversed_fen
    if left_fen <= 0:
        raise Rejection(
            "already_reversed",
            "this receipt's points were already reversed in full",
            {"receipt_no": receipt_no, "reversed_points": reversed_points},
        )
    refund = left_fen if p["full"] else p["refunded_fen"]
    if refund > left_fen:
        raise Rejection(
            "refund_above_remaining",
            f"only {left_fen} fen of this receipt's self-paid amount is left to refund",
            {"receipt_no": receipt_no, "remaining_fen": left_fen},
        )
    back = rules.reverse_points(
        points=points,
        self_paid_fen=self_paid,
        reversed_fen=reversed_fen,
        reversed_points=reversed_points,
        refund_fen=refund,
    )
    fx.execute(
        "UPDATE receipts SET reversed_fen = reversed_fen + ?, reversed_points = reversed_points + ?"
        " WHERE store_code = ? AND receipt_no = ?",
        (refund, back, batch.store_code, receipt_no),
    )
    balance = _balance(batch, member["id"]) - back
    _book(
        batch,
        op["op_id"],
        member["id"],
        -back,
        "reverse",
        receipt_no=receipt_no,
        overdraft=balance < 0,
    )
    applied = _tiered(batch, member, lower=True)
    note = f',"reversed_points":{back},"refunded_fen":{refund}'
    if balance < 0:
        note += f',"below_zero":true,"balance":{balance}'
        return replace(applied, note=note, review=dumps(_below_zero(receipt_no, back, balance)))
    return replace(applied, note=note)


def _owner(batch: Batch, member_id: str) -> str | None:
    """The active member a receipt's earn now belongs to (followed through merges)."""
    try:
        return str(_member(batch, member_id)["id"])
    except Rejection:
        return None


def _below_zero(receipt_no: str, points: int, balance: int) -> dict[str, Any]:
    return {
        "code": BELOW_ZERO_CODE,
        "message": (
            f"refund of receipt {receipt_no} took back {points} points; the balance is now "
            f"{balance}, below zero; HQ reviews it"
        ),
        "details": {"receipt_no": receipt_no, "points": points, "balance": balance},
    }


def _award(batch: Batch, op: dict[str, Any]) -> Applied:
    """Activity points for a reason of the catalogue of the rules version the counter named."""
    fx, p = batch.fx, op["payload"]
    member = _member(batch, p["member_id"])
    version = p.get("rules_version")
    rule_set = batch.rules if version is None else batch.book.rules(version)
    if rule_set is None:
        raise Rejection(
            "unknown_rules_version", "HQ never had the rules version this award names", {}
        )
    reason = rule_set.points.award_reasons.get(p["reason_code"])
    if reason is None:
        raise Rejection(
            "unknown_award_reason",
            "the award reason is not in the catalogue",
            {"reason_code": p["reason_code"]},
        )
    if not 1 <= p["points"] <= reason.max_points:
        raise Rejection(
            "award_points_range",
            f"an award for {reason.code} gives 1..{reason.max_points} points",
            {"max_points": reason.max_points, "expected": reason.points},
        )
    day = parse_time(op["created_at"]).astimezone(STORE_TZ).date()
    if reason.daily_limit is not None:
        row = fx.one(
            "SELECT COUNT(*) FROM points_ledger WHERE member_id = ? AND kind = 'award'"
            " AND reason = ? AND earned_on = ?",
            (member["id"], reason.code, fx.date(day)),
        )
        if row is not None and int(row[0]) >= reason.daily_limit:
            raise Rejection(
                "award_limit_reached",
                f"{reason.code} may be awarded {reason.daily_limit} time(s) a day",
                {"daily_limit": reason.daily_limit},
            )
    _book(
        batch,
        op["op_id"],
        member["id"],
        p["points"],
        "award",
        earned_on=day,
        reason=reason.code,
        note=p["note"],
    )
    return _refresh(batch, member["id"], member)


# ------------------------------------------------------------------ tiers


def spend_12m(batch: Batch, member_id: str) -> int:
    """The member's self-paid spend over the last 12 months, less what refunds gave back."""
    row = batch.fx.one(
        "SELECT COALESCE(SUM(self_paid_fen - reversed_fen), 0) FROM receipts"
        " WHERE member_id = ? AND sold_at >= ?",
        (member_id, batch.fx.time(batch.w.now - SPEND_WINDOW)),
    )
    return int(row[0]) if row is not None else 0


def _tiered(batch: Batch, member: dict[str, Any], *, lower: bool) -> Applied:
    """The member's record refreshed, at the tier their spend reaches: an earn may raise
    the tier, a refund (``lower``) may also lower it. No thresholds: tiers are left alone."""
    thresholds = batch.rules.points.tier_thresholds_fen
    if not thresholds:
        return _refresh(batch, member["id"], member)
    target = rules.tier_for_spend(thresholds, spend_12m(batch, member["id"]))
    current = member["tier"]
    if target == current or target not in TIERS:
        return _refresh(batch, member["id"], member)
    if TIERS.index(target) < TIERS.index(current) and not lower:
        return _refresh(batch, member["id"], member)
    fx, seq = batch.fx, batch.w.changes.take()
    fx.execute(
        "INSERT INTO tier_changes (member_id, tier_from, tier_to, seq, changed_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (member["id"], current, target, seq, fx.time(batch.w.now)),
    )
    fx.execute("UPDATE members SET tier = ? WHERE id = ?", (target, member["id"]))
    row = {**member, "tier": target}
    return Applied(seq, refresh_member(fx, member["id"], seq, batch.w.now, row))


HANDLERS: dict[str, Callable[[Batch, dict[str, Any]], Applied]] = {
    "points.earn": _earn,
    "points.redeem": _redeem,
    "points.reverse": _reverse,
    "points.award": _award,
}
