"""HQ API v1 operation payloads (DESIGN §3): validated the same way at the counter and at HQ.

The counter validates before it writes an op to the outbox (so a bad op is refused at
the counter, where a person can fix it) and HQ validates again on receipt (a store may
run an older or a different client). Both import this module; changing it is a
contract change (version bump, CHANGELOG).

Money is integer fen (分) everywhere, so no float ever decides a point.

The field checks are in ``counter.contract.fields``, each op family's validators in
``counter.contract.members``, ``.points``, ``.complaints`` and ``.care``; this module
dispatches by op type and re-exports the public names, so ``from counter.contract import …``
keeps working.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from counter.contract.care import CARE_VALIDATORS
from counter.contract.complaints import (
    COMPLAINT_CATEGORIES,
    COMPLAINT_CHANNELS,
    COMPLAINT_NUMBER_RE,
    COMPLAINT_SEVERITIES,
    COMPLAINT_STATES,
    FOLLOWUP_METHODS,
    HQ_OPERATOR,
    _complaint_create,
    _complaint_update,
    followup_of,
)
from counter.contract.fields import (
    EMAIL_RE,
    MULTILINE_FIELDS,
    PHONE_RE,
    TIERS,
    ContractError,
    _card,
    _check_texts,
    _choice,
    _date,
    _int,
    _list,
    _missing,
    _objects,
    _phone,
    _require,
    _text,
    _uuid,
    format_time,
    parse_time,
    text_problem,
)
from counter.contract.members import (
    CONSENT_PURPOSES,
    DEFAULT_CONSENT_TEXTS,
    HEALTH_KEYS,
    MEDICINE_KEYS,
    MEMBER_STATES,
    MEMBER_UPDATABLE,
    PROFILE_FIELDS,
    _bind,
    _consent,
    _health,
    _member_fields,
    _register,
    _update,
    parse_member_record,
    record_consents,
)
from counter.contract.points import (
    AWARD_POINTS_MAX,
    AWARD_REASON_RE,
    SELF_PAID_TENDERS,
    TENDER_KINDS,
    VERSION_RE,
    _award,
    _earn,
    _redeem,
    _reverse,
)

__all__ = [
    "API_VERSION",
    "AWARD_POINTS_MAX",
    "AWARD_REASON_RE",
    "COMPLAINT_CATEGORIES",
    "COMPLAINT_CHANNELS",
    "COMPLAINT_NUMBER_RE",
    "COMPLAINT_SEVERITIES",
    "COMPLAINT_STATES",
    "CONSENT_PURPOSES",
    "CONTRACT_VERSION",
    "DEFAULT_CONSENT_TEXTS",
    "EMAIL_RE",
    "FOLLOWUP_METHODS",
    "HEALTH_KEYS",
    "HQ_OPERATOR",
    "MAX_BATCH",
    "MAX_PAGE",
    "MEDICINE_KEYS",
    "MEMBER_STATES",
    "MEMBER_UPDATABLE",
    "MULTILINE_FIELDS",
    "OP_TYPES",
    "PHONE_RE",
    "PROFILE_FIELDS",
    "SELF_PAID_TENDERS",
    "TENDER_KINDS",
    "TIERS",
    "VALIDATORS",
    "VERSION_RE",
    "ContractError",
    "_card",
    "_choice",
    "_date",
    "_health",
    "_int",
    "_list",
    "_member_fields",
    "_missing",
    "_objects",
    "_phone",
    "_require",
    "_text",
    "_uuid",
    "followup_of",
    "format_time",
    "parse_member_record",
    "parse_time",
    "record_consents",
    "text_problem",
    "validate_op",
    "validate_payload",
]

API_VERSION = "1"
# Additive changes since 1.0 (docs/hq-api.md, "Contract versions"). 1.1: an earn names the
# rules version and tier it was computed with, HQ books it under those (docs/points.md);
# refunds (points.reverse) and activity points (points.award) are new op types.
CONTRACT_VERSION = "1.1"
MAX_BATCH = 500
MAX_PAGE = 5000

OP_TYPES = (
    "member.register",
    "member.update",
    "member.consent",
    "card.bind",
    "points.earn",
    "points.redeem",
    "points.reverse",
    "points.award",
    "complaint.create",
    "complaint.update",
    "care.enroll",
    "care.task",
)


VALIDATORS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "member.register": _register,
    "member.update": _update,
    "member.consent": _consent,
    "card.bind": _bind,
    "points.earn": _earn,
    "points.redeem": _redeem,
    "points.reverse": _reverse,
    "points.award": _award,
    "complaint.create": _complaint_create,
    "complaint.update": _complaint_update,
    **CARE_VALIDATORS,
}


def validate_payload(op_type: str, payload: Any) -> dict[str, Any]:
    """The payload in canonical form, or ContractError saying what is wrong."""
    validator = VALIDATORS.get(op_type)
    if validator is None:
        raise ContractError("unknown_op_type", f"unknown operation type {op_type!r}")
    if not isinstance(payload, dict):
        raise ContractError("invalid_payload", "payload must be a JSON object")
    clean = validator(payload)
    _check_texts(clean, "", "")
    return clean


def validate_op(op: Any) -> dict[str, Any]:
    """An operation envelope (op_id, type, created_at, store_code, operator_id, payload).

    ``pc_time`` (optional) is what the counter PC's own clock said when the op
    was made; ``created_at`` is the counter's time corrected by its measured skew.
    """
    if not isinstance(op, dict):
        raise ContractError("invalid_op", "an operation must be a JSON object")
    op_type = _require(op, "type")
    out = {
        "op_id": _uuid(op, "op_id"),
        "type": op_type,
        "created_at": format_time(parse_time(_require(op, "created_at"), "created_at")),
        "store_code": _text(op, "store_code", max_len=32, required=True),
        "operator_id": _text(op, "operator_id", max_len=64, required=True),
    }
    _check_texts({k: out[k] for k in ("store_code", "operator_id")}, "", "")
    out["payload"] = validate_payload(str(op_type), op.get("payload"))
    if op.get("pc_time") is not None:
        out["pc_time"] = format_time(parse_time(op["pc_time"], "pc_time"))
    return out
