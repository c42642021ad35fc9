"""Re-pointing a refused registration's work to the member HQ already has.

Re-pointing (``phone_registered``): two stores registered the same person offline and
HQ kept the first. This store's operations for its local member — those still pending
and those HQ rejected as ``member_not_found`` because that member never came to exist
there — are rewritten for HQ's member and queued again under NEW op_ids (an op_id is
never re-sent with another body; HQ would answer ``idempotency_conflict``); the old ones
become ``superseded``. Points earned are recomputed for HQ's member (its tier and
birthday decide them at HQ). Cached rows (points entries, complaints, cards, consents,
health) move to HQ's member, the local member is marked merged into it, and the
problem of the refused registration records exactly what was done.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from counter import contract, rules
from counter.contract import ContractError, parse_member_record
from counter.services import audit
from counter.services.care import move_care
from counter.services.config import current_rules, current_rules_version
from counter.services.context import Actor, ServiceContext
from counter.services.ops import POINTS_SIGNS, points_delta, queue_op
from counter.store import effects, outbox_health
from counter.store.models import (
    Card,
    Complaint,
    Consent,
    Member,
    MemberKey,
    OutboxOp,
    PointsEntry,
    Receipt,
    SyncProblem,
)
from counter.sync.apply import apply_member_records, overlay_pending

log = logging.getLogger("counter.sync.push")  # its messages keep their old logger

SYNC_ACTOR = Actor("sync", "sync", "system")
POINTS_TYPES = tuple(POINTS_SIGNS)


def repoint(
    s: Session,
    ctx: ServiceContext,
    register: OutboxOp,
    problem: SyncProblem,
    existing: Any,
    now: dt.datetime,
) -> int:
    """Move this store's operations and rows from the refused local member to HQ's one.

    Returns how many operations were re-queued under new op_ids.
    """
    local_id = register.member_id
    try:
        record = parse_member_record(existing)
    except ContractError as exc:
        _note(problem, {"repoint_failed": f"HQ's member record is malformed: {exc}"})
        return 0
    target = record["id"]
    if local_id is None or record["status"] != "active" or target == local_id:
        _note(problem, {"repoint_failed": "no active member to re-point to"})
        return 0
    apply_member_records(s, [record], ctx.cipher, now)
    rule_set = current_rules(s, ctx).points
    rule_version = current_rules_version(s, ctx)
    birthday = dt.date.fromisoformat(record["birthday"]) if record.get("birthday") else None

    moved: list[tuple[str, str]] = []
    candidates = s.scalars(
        select(OutboxOp)
        .where(
            OutboxOp.member_id == local_id,
            OutboxOp.op_id != register.op_id,
            OutboxOp.state.in_(("pending", "rejected")),
        )
        .order_by(OutboxOp.seq)
    )
    # Receipts whose earn is recomputed here: [points, self-paid refunded, points taken back]
    # as the re-pointed refunds of them go by, so those take back their share of the new
    # figure (counter.rules.reverse_points), and the receipt row ends with the new totals.
    recomputed: dict[str, list[int]] = {}
    for old in list(candidates):
        if old.state == "rejected" and old.last_error != "member_not_found":
            continue  # refused for its own reason: stays in the problems list as it is
        payload = outbox_health.open_payload(ctx.cipher, old.op_id, old.payload)
        if "member_id" in payload:
            payload["member_id"] = target
        if old.type == "points.earn":
            payload["points"] = rules.earn_points(
                rule_set,
                lines=payload["lines"],
                tenders=payload["tenders"],
                tier=record["tier"],
                birthday=birthday,
                sold_at=contract.parse_time(payload["sold_at"]),
            )
            # and names what it was recomputed with (docs/points.md)
            payload.update(tier=record["tier"], tier_seq=record["seq"])
            payload.pop("rules_version", None)
            if rule_version is not None:
                payload["rules_version"] = rule_version
            recomputed[payload["receipt_no"]] = [payload["points"], 0, 0]
        elif old.type == "points.reverse" and payload["receipt_no"] in recomputed:
            _rereverse(s, payload, recomputed[payload["receipt_no"]])
        new = queue_op(
            s,
            ctx,
            Actor(old.operator_id, "", ""),
            old.type,
            payload,
            old.created_at,
            member_id=target,
            pc_time=old.pc_created_at,
        )
        old.state = "superseded"
        old.superseded_by = new.op_id
        outbox_health.erase_op_health(old)
        if old.type in POINTS_TYPES:
            delta = points_delta(old.type, payload)
            s.execute(
                update(PointsEntry)
                .where(PointsEntry.id == old.op_id)
                .values(id=new.op_id, member_id=target, state="pending", hq_seq=None, delta=delta)
            )
            if old.type == "points.earn":
                s.execute(
                    update(Receipt)
                    .where(Receipt.receipt_no == payload["receipt_no"])
                    .values(points=delta)
                )
        s.execute(
            update(SyncProblem)
            .where(SyncProblem.op_id == old.op_id, SyncProblem.resolved_at.is_(None))
            .values(resolved_at=now, resolved_by=SYNC_ACTOR.operator_id, resolution="repointed")
        )
        moved.append((old.op_id, new.op_id))

    for receipt_no, (_, fen, back) in recomputed.items():
        s.execute(
            update(Receipt)
            .where(Receipt.receipt_no == receipt_no)
            .values(reversed_fen=fen, reversed_points=back)
        )

    card_op = None
    register_payload = json.loads(register.payload)
    card_no = register_payload.get("card_no")
    if card_no and card_no not in {c["card_no"] for c in record["cards"]}:
        card_op = queue_op(
            s,
            ctx,
            Actor(register.operator_id, "", ""),
            "card.bind",
            {"member_id": target, "card_no": card_no},
            register.created_at,
            member_id=target,
            pc_time=register.pc_created_at,
        ).op_id

    _move_rows(s, ctx, local_id, target)
    s.flush()
    overlay_pending(s, ctx.cipher, {target}, now)
    _note(
        problem,
        {
            "repointed": {
                "from": local_id,
                "to": target,
                "member_no": record["member_no"],
                "ops": [{"old": o, "new": n} for o, n in moved],
                "card_bind": card_op,
            }
        },
    )
    audit.record(
        s,
        SYNC_ACTOR,
        "sync.repoint",
        now,
        member_id=target,
        local_member=local_id,
        ops=len(moved),
        register_op=register.op_id,
    )
    log.warning(
        "phone already registered at HQ: %d operation(s) of local member %s re-pointed to %s",
        len(moved),
        local_id,
        target,
    )
    return len(moved)


def _rereverse(s: Session, payload: dict[str, Any], totals: list[int]) -> None:
    """A re-pointed refund of a re-pointed earn: its points from the earn's new figure."""
    receipt = s.get(Receipt, payload["receipt_no"])
    if receipt is None:
        return
    points, fen, back = totals
    refund = receipt.self_paid_fen - fen if payload.get("full") else payload["refunded_fen"]
    refund = max(1, min(refund, receipt.self_paid_fen - fen))
    taken = rules.reverse_points(
        points=points,
        self_paid_fen=receipt.self_paid_fen,
        reversed_fen=fen,
        reversed_points=back,
        refund_fen=refund,
    )
    payload.update(refunded_fen=refund, points=taken)
    totals[1], totals[2] = fen + refund, back + taken


def _move_rows(s: Session, ctx: ServiceContext, local_id: str, target: str) -> None:
    """Cached rows of the local member now belong to HQ's member; the local one is merged."""
    s.execute(update(PointsEntry).where(PointsEntry.member_id == local_id).values(member_id=target))
    s.execute(update(Receipt).where(Receipt.member_id == local_id).values(member_id=target))
    s.execute(update(Complaint).where(Complaint.member_id == local_id).values(member_id=target))
    s.execute(update(Consent).where(Consent.member_id == local_id).values(member_id=target))
    s.execute(update(Card).where(Card.member_id == local_id).values(member_id=target))
    move_care(s, ctx.cipher, local_id, target)
    local = s.get(Member, local_id)
    hq = s.get(Member, target)
    if (
        local is not None
        and hq is not None
        and local.health_enc is not None
        and hq.health_enc is None
    ):
        effects.set_health(s, ctx.cipher, target, ctx.cipher.decrypt(local_id, local.health_enc))
    s.execute(
        update(Member)
        .where(Member.id == local_id)
        .values(status="merged", merged_into=target, health_enc=None, allergy_alert=False)
    )
    s.execute(delete(MemberKey).where(MemberKey.member_id == local_id))


def _note(problem: SyncProblem, extra: dict[str, Any]) -> None:
    details = json.loads(problem.details or "{}")
    details.update(extra)
    problem.details = json.dumps(details, ensure_ascii=False, sort_keys=True)
