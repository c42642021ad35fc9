"""Points ops at HQ: ``points.earn`` and ``points.redeem``, booked in the points ledger."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from counter.contract import parse_time
from counter.rules import STORE_TZ
from hq.ops.base import Applied, Batch, Rejection, _member, _refresh
from hq.ops.rewards import record_reward, reward_day
from hq.records import dumps
from hq.review import OfflineDay, offline_day
from hq.rulebook import EarnRefused


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
        " points, rules_version, superseded_rules) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
    applied = _refresh(batch, member["id"], member)
    if basis.superseded:  # the counter's problems list counts these (docs/points.md)
        return Applied(applied.seq, applied.entity, note=',"superseded_rules":true')
    return applied


def _book(
    batch: Batch,
    op_id: str,
    member_id: str,
    delta: int,
    kind: str,
    *,
    earned_on: dt.date | None = None,
    receipt_no: str | None = None,
    overdraft: bool = False,
    offline: OfflineDay | None = None,
) -> None:
    """One entry in the points ledger, keyed by the op that made it."""
    fx = batch.fx
    fx.execute(
        "INSERT INTO points_ledger (op_id, member_id, delta, kind, earned_on, store_code,"
        " receipt_no, overdraft, offline_on, over_cap, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            op_id,
            member_id,
            delta,
            kind,
            fx.date(earned_on),
            batch.store_code,
            receipt_no,
            fx.bool(overdraft),
            fx.date(offline.day if offline is not None else None),
            fx.bool(offline is not None and offline.over_cap),
            fx.time(batch.w.now),
        ),
    )


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


HANDLERS: dict[str, Callable[[Batch, dict[str, Any]], Applied]] = {
    "points.earn": _earn,
    "points.redeem": _redeem,
}
