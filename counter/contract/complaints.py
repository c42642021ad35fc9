"""Complaint ops: ``complaint.create`` and ``complaint.update`` (with the follow-up visit)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from counter.contract.fields import (
    ContractError,
    _choice,
    _int,
    _phone,
    _require,
    _text,
    _uuid,
    format_time,
    parse_time,
)

COMPLAINT_CATEGORIES = (
    "service_attitude",
    "product_quality",
    "price",
    "waiting_time",
    "pharmacist_advice",
    "store_environment",
    "other",
)
COMPLAINT_SEVERITIES = ("low", "medium", "high", "urgent")
COMPLAINT_CHANNELS = ("counter", "phone", "online")
COMPLAINT_STATES = ("received", "handling", "resolved", "closed", "escalated")
FOLLOWUP_METHODS = ("phone", "in_store", "wechat")
HQ_OPERATOR = "HQ"  # the operator_id of HQ staff's entries in a complaint's timeline
# store - counter PC (1-9) - local date - sequence: unique per store with PCs numbering offline.
COMPLAINT_NUMBER_RE = re.compile(r"^[A-Za-z0-9_]{1,32}-[1-9]-[0-9]{8}-[0-9]{3,6}\Z")


def _complaint_create(p: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "complaint_id": _uuid(p, "complaint_id"),
        "member_id": _uuid(p, "member_id") if p.get("member_id") is not None else None,
        "customer_name": _text(p, "customer_name", max_len=64) or "",
        "customer_phone": _text(p, "customer_phone", max_len=20) or "",
        "category": _choice(p, "category", COMPLAINT_CATEGORIES),
        "severity": _choice(p, "severity", COMPLAINT_SEVERITIES),
        "channel": _choice(p, "channel", COMPLAINT_CHANNELS),
        "description": _text(p, "description", max_len=4000, required=True),
        "wants": _text(p, "wants", max_len=1000) or "",
        "created_at": format_time(parse_time(_require(p, "created_at"), "created_at")),
    }
    number = p.get("number")
    if number is not None:  # since 1.1
        if not isinstance(number, str) or not COMPLAINT_NUMBER_RE.match(number):
            raise ContractError(
                "invalid_field", "number must read STORE-PC-YYYYMMDD-SEQ", field="number"
            )
        out["number"] = number
    if out["member_id"] is None and not out["customer_name"]:
        raise ContractError("missing_field", "a complaint names a member or a customer")
    if out["customer_phone"]:
        _phone(out["customer_phone"], "customer_phone")
    return out


def _complaint_update(p: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"complaint_id": _uuid(p, "complaint_id")}
    if p.get("status") is not None:
        out["status"] = _choice(p, "status", COMPLAINT_STATES)
    if p.get("note") is not None:
        out["note"] = _text(p, "note", max_len=4000, required=True)
    if p.get("followup") is not None:
        f = p["followup"]
        if not isinstance(f, dict):
            raise ContractError("invalid_field", "followup must be an object", field="followup")
        out["followup"] = followup_of(f)
    if len(out) == 1:
        raise ContractError("missing_field", "a complaint update changes something")
    return out


def followup_of(f: Mapping[str, Any]) -> dict[str, Any]:
    """A follow-up visit (回访); ``method`` and ``reached`` came in 1.1 (default: phone, true)."""
    reached = f.get("reached", True)
    if not isinstance(reached, bool):
        raise ContractError("invalid_field", "reached must be true or false", field="reached")
    return {
        "at": format_time(parse_time(_require(f, "at"), "followup.at")),
        "note": _text(f, "note", max_len=2000) or "",
        "satisfaction": _int(f, "satisfaction", lo=1, hi=5),
        "method": _choice(f, "method", FOLLOWUP_METHODS) if "method" in f else "phone",
        "reached": reached,
    }
