"""Checking what HQ sends before any of it reaches the cache.

Member records are checked by ``counter.contract.parse_member_record`` (the reference
parser, shared with HQ; ``counter.sync.pages`` has the same check made fast for whole
pages, fused with building the cache rows). Complaint records
(``/v1/complaints/changes``) are only ever read by the counter, so their parser lives
here. A malformed record is a ``ContractError``:
the engine then refuses the whole page, so nothing of it is applied and the cursor stays.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from counter.contract import (
    COMPLAINT_CATEGORIES,
    COMPLAINT_CHANNELS,
    COMPLAINT_SEVERITIES,
    COMPLAINT_STATES,
    FOLLOWUP_METHODS,
    ContractError,
    _choice,
    _int,
    _text,
    _uuid,
    format_time,
    parse_member_record,
    parse_time,
)


def parse_member_page(items: Sequence[Any]) -> list[dict[str, Any]]:
    """Every record of a page in canonical form, or ContractError for the first bad one."""
    return [parse_member_record(item) for item in items]


def _record_time(item: dict[str, Any], key: str) -> str:
    if item.get(key) is None:
        raise ContractError("missing_field", f"{key} is required", field=key)
    return format_time(parse_time(item[key], key))


def parse_complaint_record(item: Any) -> dict[str, Any]:
    """One complaint as HQ sees it (docs/hq-api.md), canonical; ContractError if malformed."""
    if not isinstance(item, dict):
        raise ContractError("invalid_record", "a complaint record must be an object")
    notes_raw = item.get("notes") or []
    if not isinstance(notes_raw, list) or not all(isinstance(n, dict) for n in notes_raw):
        raise ContractError("invalid_field", "notes must be a list of objects", field="notes")
    notes = [
        {
            "id": _text(n, "id", max_len=64, required=True),
            "at": _record_time(n, "at"),
            "operator_id": _text(n, "operator_id", max_len=64) or "",
            "text": _text(n, "text", max_len=4000) or "",
            "new_status": _choice(n, "new_status", COMPLAINT_STATES)
            if n.get("new_status") is not None
            else None,
        }
        for n in notes_raw
    ]
    followup = item.get("followup")
    if followup is not None:
        if not isinstance(followup, dict):
            raise ContractError("invalid_field", "followup must be an object", field="followup")
        reached = followup.get("reached", True)
        followup = {
            "at": _record_time(followup, "at"),
            "note": _text(followup, "note", max_len=2000) or "",
            "satisfaction": _int(followup, "satisfaction", lo=1, hi=5),
            "method": _choice(followup, "method", FOLLOWUP_METHODS)
            if followup.get("method") is not None
            else "phone",
            "reached": reached if isinstance(reached, bool) else True,
        }
    return {
        "id": _uuid(item, "id"),
        "seq": _int(item, "seq", lo=1, hi=2**62),
        "store_code": _text(item, "store_code", max_len=32, required=True),
        "number": _text(item, "number", max_len=40) or "",
        "member_id": _uuid(item, "member_id") if item.get("member_id") is not None else None,
        "customer_name": _text(item, "customer_name", max_len=64) or "",
        "customer_phone": _text(item, "customer_phone", max_len=20) or "",
        "category": _choice(item, "category", COMPLAINT_CATEGORIES),
        "severity": _choice(item, "severity", COMPLAINT_SEVERITIES),
        "channel": _choice(item, "channel", COMPLAINT_CHANNELS),
        "description": _text(item, "description", max_len=4000) or "",
        "wants": _text(item, "wants", max_len=1000) or "",
        "status": _choice(item, "status", COMPLAINT_STATES),
        "due_at": _record_time(item, "due_at"),
        "created_at": _record_time(item, "created_at"),
        "updated_at": _record_time(item, "updated_at"),
        "notes": notes,
        "followup": followup,
    }
