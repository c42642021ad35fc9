"""Complaint ops at HQ: ``complaint.create`` and ``complaint.update`` (the merge rule)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from counter.contract import parse_time
from counter.rules import complaint_due
from hq.complaints import (
    TransitionRefused,
    check_transition,
    load_complaint_fast,
    record_of_fast,
)
from hq.ops.base import Applied, Batch, Rejection, _member
from hq.records import dumps, load_member


def _complaint_create(batch: Batch, op: dict[str, Any]) -> Applied:
    fx, now, p = batch.fx, batch.w.now, op["payload"]
    if fx.one("SELECT id FROM complaints WHERE id = ?", (p["complaint_id"],)) is not None:
        raise Rejection(
            "complaint_exists",
            "a complaint with this id exists",
            {"complaint_id": p["complaint_id"]},
        )
    member_id = _complaint_member(batch, p["member_id"])
    # Logged for a member HQ has since forgotten (deleted, or merged into another): the
    # complaint is kept without the person's name and phone, as at deletion.
    forgotten = p["member_id"] is not None and member_id != p["member_id"]
    created_at = parse_time(p["created_at"])
    seq = batch.w.changes.take()
    fx.insert(
        "complaints",
        {
            "id": p["complaint_id"],
            "store_code": batch.store_code,
            "number": p.get("number") or "",
            "member_id": member_id,
            "customer_name": "" if forgotten else p["customer_name"],
            "customer_phone": "" if forgotten else p["customer_phone"],
            "category": p["category"],
            "severity": p["severity"],
            "channel": p["channel"],
            "description": p["description"],
            "wants": p["wants"],
            "status": "received",
            "due_at": complaint_due(batch.rules, p["severity"], created_at),
            "created_at": created_at,
            "updated_at": now,
            "followup_at": None,
            "followup_note": None,
            "followup_satisfaction": None,
            "followup_method": None,
            "followup_reached": None,
            "seq": seq,
        },
    )
    return Applied(seq, dumps(record_of_fast(fx, p["complaint_id"])))


def _complaint_member(batch: Batch, member_id: str | None) -> str | None:
    """The member a complaint is about, followed through merges.

    A member HQ never had is ``member_not_found``: the counter logged it for a member whose
    registration HQ refused, and re-points it to HQ's member. A deleted member's complaint
    is kept without the link (and without the person's name and phone: the caller's job).
    """
    if member_id is None:
        return None
    try:
        return str(_member(batch, member_id)["id"])
    except Rejection:
        if load_member(batch.fx, member_id) is None:
            raise
        return None


def _complaint_update(batch: Batch, op: dict[str, Any]) -> Applied:
    fx, now, p = batch.fx, batch.w.now, op["payload"]
    row = load_complaint_fast(fx, p["complaint_id"])
    if row is None or row.store_code != batch.store_code:
        # Another store's complaint is not found either: stores never see each other's.
        raise Rejection(
            "complaint_not_found",
            "this store has no such complaint",
            {"complaint_id": p["complaint_id"]},
        )
    status = p.get("status")
    superseded = ""
    try:
        changed = status is not None and check_transition(row.status, status)
    except TransitionRefused as exc:
        if p.get("note") is None and p.get("followup") is None:
            raise Rejection(
                "invalid_transition", str(exc), {"from": exc.current, "to": exc.wanted}
            ) from None
        # The merge rule (docs/hq-api.md): HQ's state wins, the store's note and follow-up
        # are kept; the result says which move did not happen.
        changed, status = False, None
        superseded = f',"status_superseded":{{"from":"{exc.current}","to":"{exc.wanted}"}}'
    values: dict[str, Any] = {"updated_at": now}
    if changed:
        values["status"] = status
    if p.get("note") is not None or changed:
        fx.insert(
            "complaint_notes",
            {
                "id": op["op_id"],
                "complaint_id": row.id,
                "at": parse_time(op["created_at"]),
                "operator_id": op["operator_id"],
                "text": p.get("note") or "",
                "new_status": status if changed else None,
            },
        )
    followup = p.get("followup")
    if followup is not None:
        values.update(
            followup_at=parse_time(followup["at"]),
            followup_note=followup["note"],
            followup_satisfaction=followup["satisfaction"],
            followup_method=followup["method"],
            followup_reached=followup["reached"],
        )
    values["seq"] = seq = batch.w.changes.take()
    fx.update("complaints", "id", row.id, values)
    return Applied(seq, dumps(record_of_fast(fx, row.id)), note=superseded)


HANDLERS: dict[str, Callable[[Batch, dict[str, Any]], Applied]] = {
    "complaint.create": _complaint_create,
    "complaint.update": _complaint_update,
}
