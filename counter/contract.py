"""HQ API v1 operation payloads (DESIGN §3): validated the same way at the counter and at HQ.

The counter validates before it writes an op to the outbox (so a bad op is refused at
the counter, where a person can fix it) and HQ validates again on receipt (a store may
run an older or a different client). Both import this module; changing it is a
contract change (version bump, CHANGELOG).

Money is integer fen (分) everywhere, so no float ever decides a point.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from counter.codes import is_card_no

API_VERSION = "1"
# Additive changes since 1.0 (docs/hq-api.md, "Contract versions"). 1.1: an earn names the
# rules version and tier it was computed with, HQ books it under those (docs/points.md).
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
    "complaint.create",
    "complaint.update",
)

TENDER_KINDS = ("cash", "bank_card", "mobile_pay", "insurance_personal", "insurance_pooled")
SELF_PAID_TENDERS = ("cash", "bank_card", "mobile_pay")
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
MEMBER_UPDATABLE = (
    "name",
    "phone",
    "gender",
    "birthday",
    "email",
    "address",
    "education",
    "income",
    "marital_status",
    "health",
)
# The member's own profile: everything updatable except health (which needs consent).
PROFILE_FIELDS = tuple(k for k in MEMBER_UPDATABLE if k != "health")
HEALTH_KEYS = ("allergies", "chronic", "medicines")
MEDICINE_KEYS = ("name", "dose", "days_supply", "last_dispensed")
# Separate consents (DESIGN §7): membership itself, health information, marketing contact.
CONSENT_PURPOSES = ("basic", "health", "marketing")
# The consent texts the reference HQ serves (config ``consent_texts``), and what a counter
# shows before its first sync. A new wording gets a new version, never an edit.
DEFAULT_CONSENT_TEXTS: dict[str, dict[str, str]] = {
    "basic": {
        "version": "basic-2026.1",
        "zh": "本人同意成为本连锁药店会员，并同意药店为办理会员、积分和售后服务保存和使用"
        "本人的姓名、手机号及登记资料。",
        "en": "I agree to become a member of this pharmacy chain and to the chain keeping and "
        "using my name, phone and the details registered for membership, points and service.",
    },
    "health": {
        "version": "health-2026.1",
        "zh": "本人单独同意药店记录本人的慢性病、药物过敏和常用药信息（敏感个人信息），"
        "仅用于用药安全和慢病服务；本人可随时撤回，撤回后这些信息将被删除。",
        "en": "I separately agree to the pharmacy recording my chronic conditions, drug "
        "allergies and regular medicines (sensitive personal information), only for safe "
        "dispensing and chronic-care services; I may withdraw at any time and they are erased.",
    },
    "marketing": {
        "version": "marketing-2026.1",
        "zh": "本人同意接收药店的短信、电话和邮件等优惠及健康活动信息；可随时撤回。",
        "en": "I agree to receive the chain's offers and health events by SMS, phone and mail; "
        "I may withdraw at any time.",
    },
}
TIERS = ("basic", "silver", "gold")

PHONE_RE = re.compile(r"^1[3-9][0-9]{9}\Z")  # ASCII digits only, no trailing newline
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Characters no text of an operation may hold: C0 and C1 controls (NUL first: PostgreSQL
# refuses it in text, so one such op would fail its whole batch), lone surrogates (not
# encodable as UTF-8 at all) and the bidi embeddings, overrides and isolates that make text
# read otherwise than it is. Fields a person writes paragraphs in may hold tab and newlines.
_BAD_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_BAD_IN_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]"
)
MULTILINE_FIELDS = frozenset({"description", "wants", "note"})


class ContractError(ValueError):
    """An operation that does not meet the contract; ``code`` is the API's error code."""

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


def text_problem(value: str, *, multiline: bool = False) -> tuple[str, str] | None:
    """``(reason, what)`` for the first character a text field may not hold, else None."""
    bad = (_BAD_IN_TEXT if multiline else _BAD_IN_LINE).search(value)
    if bad is None:
        return None
    point = ord(bad.group())
    name = f"U+{point:04X}"
    if 0xD800 <= point <= 0xDFFF:
        return "unpaired_surrogate", f"an unpaired surrogate ({name})"
    if point >= 0x202A:
        return "bidi_control", f"a text-direction control character ({name})"
    return "control_character", f"a control character ({name})"


def _check_texts(value: Any, key: str, path: str) -> None:
    """Refuse any text in ``value`` (nested objects and lists too) that :func:`text_problem`
    finds fault with; ``field`` is the innermost key, ``path`` the way to it."""
    if isinstance(value, str):
        problem = text_problem(value, multiline=key in MULTILINE_FIELDS)
        if problem is not None:
            reason, what = problem
            raise ContractError(
                "invalid_field", f"{path} holds {what}", field=key, reason=reason, path=path
            )
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_texts(v, str(k), f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for v in value:
            _check_texts(v, key, path)


def _require(payload: Mapping[str, Any], key: str) -> Any:
    if key not in payload or payload[key] is None:
        raise ContractError("missing_field", f"{key} is required", field=key)
    return payload[key]


def _uuid(payload: Mapping[str, Any], key: str) -> str:
    value = _require(payload, key)
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise ContractError("invalid_field", f"{key} must be a UUID", field=key) from None


def _text(
    payload: Mapping[str, Any], key: str, *, max_len: int, required: bool = False
) -> str | None:
    value = payload.get(key)
    if value is None:
        if required:
            raise ContractError("missing_field", f"{key} is required", field=key)
        return None
    if not isinstance(value, str) or len(value) > max_len:
        raise ContractError(
            "invalid_field", f"{key} must be text of at most {max_len} chars", field=key
        )
    value = value.strip()
    if required and not value:
        raise ContractError("missing_field", f"{key} is required", field=key)
    return value


def _int(payload: Mapping[str, Any], key: str, *, lo: int, hi: int) -> int:
    value = _require(payload, key)
    if isinstance(value, float) and value.is_integer():
        # JSON has one number type: 5.0 is the integer 5 (so JSON Schema says, and so the
        # published document), whatever a client's encoder writes. Kept as the int.
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise ContractError("invalid_field", f"{key} must be a whole number {lo}..{hi}", field=key)
    return value


def _choice(payload: Mapping[str, Any], key: str, choices: tuple[str, ...]) -> str:
    value = _require(payload, key)
    if value not in choices:
        raise ContractError(
            "invalid_field", f"{key} must be one of {', '.join(choices)}", field=key
        )
    return str(value)


def _date(payload: Mapping[str, Any], key: str) -> str | None:
    value = payload.get(key)
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ContractError(
            "invalid_field", f"{key} must be a date YYYY-MM-DD", field=key
        ) from None


def parse_time(value: Any, key: str = "time") -> dt.datetime:
    """An RFC 3339 time with an offset; naive times are refused (whose clock was it?)."""
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ContractError("invalid_field", f"{key} must be an RFC 3339 time", field=key) from None
    if parsed.tzinfo is None:
        raise ContractError("invalid_field", f"{key} needs a UTC offset", field=key)
    try:
        return parsed.astimezone(dt.UTC)
    except OverflowError:  # 9999-12-31T23:00:00-05:00 is past the end of time in UTC
        raise ContractError("invalid_field", f"{key} is out of range", field=key) from None


def format_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _phone(value: Any, key: str = "phone") -> str:
    if not isinstance(value, str) or not PHONE_RE.match(value):
        raise ContractError(
            "invalid_phone", f"{key} must be an 11-digit mainland mobile", field=key
        )
    return value


def _medicine(item: Any) -> str | dict[str, Any]:
    """A regular medicine: a name (older records) or name, dose, days' supply, last dispensed."""
    if isinstance(item, str):
        if not 0 < len(item.strip()) <= 64:
            raise ContractError(
                "invalid_field", "a medicine name is 1..64 chars", field="medicines"
            )
        return item.strip()
    if not isinstance(item, dict) or set(item) - set(MEDICINE_KEYS):
        raise ContractError(
            "invalid_field",
            f"a medicine is a name or an object of {', '.join(MEDICINE_KEYS)}",
            field="medicines",
        )
    name = _text(item, "name", max_len=64, required=True)
    if not name:
        raise ContractError("invalid_field", "a medicine needs a name", field="medicines")
    days = item.get("days_supply")
    if days is not None:
        days = _int(item, "days_supply", lo=1, hi=366)
    return {
        "name": name,
        "dose": _text(item, "dose", max_len=32) or "",
        "days_supply": days,
        "last_dispensed": _date(item, "last_dispensed"),
    }


def _health(value: Any) -> dict[str, list[Any]] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - set(HEALTH_KEYS):
        raise ContractError(
            "invalid_field", f"health holds only {', '.join(HEALTH_KEYS)}", field="health"
        )
    clean: dict[str, list[Any]] = {}
    for key in ("allergies", "chronic"):
        items = value.get(key, [])
        if not isinstance(items, list) or not all(
            isinstance(i, str) and 0 < len(i) <= 64 for i in items
        ):
            raise ContractError(
                "invalid_field", f"health.{key} is a list of short texts", field=key
            )
        clean[key] = [i.strip() for i in items][:50]
    medicines = value.get("medicines", [])
    if not isinstance(medicines, list):
        raise ContractError("invalid_field", "health.medicines is a list", field="medicines")
    clean["medicines"] = [_medicine(i) for i in medicines[:50]]
    return clean


def _member_fields(payload: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in keys:
        if key not in payload:
            continue
        if key == "name":
            out[key] = _text(payload, key, max_len=32, required=True)
        elif key == "phone":
            out[key] = _phone(payload.get(key))
        elif key == "gender":
            out[key] = _choice(payload, key, ("F", "M", ""))
        elif key == "birthday":
            out[key] = _date(payload, key)
        elif key == "email":
            email = _text(payload, key, max_len=128) or ""
            if email and not EMAIL_RE.match(email):
                raise ContractError("invalid_field", "email is malformed", field=key)
            out[key] = email
        elif key == "address":
            out[key] = _text(payload, key, max_len=256) or ""
        elif key in ("education", "income", "marital_status"):
            out[key] = _text(payload, key, max_len=32)
        elif key == "health":
            out[key] = _health(payload.get(key))
    return out


def _card(value: Any, key: str = "card_no") -> str:
    if not isinstance(value, str) or not is_card_no(value):
        raise ContractError("invalid_card_no", f"{key} must be 16 digits with a Luhn check digit")
    return value


def _register(p: Mapping[str, Any]) -> dict[str, Any]:
    out = {"member_id": _uuid(p, "member_id")}
    _require(p, "name")
    _require(p, "phone")
    out.update(_member_fields(p, PROFILE_FIELDS))
    if p.get("card_no") is not None:
        out["card_no"] = _card(p["card_no"])
    if p.get("referrer_id") is not None:  # the member who brought them (optional)
        out["referrer_id"] = _uuid(p, "referrer_id")
    return out


def _update(p: Mapping[str, Any]) -> dict[str, Any]:
    changes = _require(p, "changes")
    if not isinstance(changes, dict) or not changes:
        raise ContractError("invalid_field", "changes must be a non-empty object", field="changes")
    unknown = set(changes) - set(MEMBER_UPDATABLE)
    if unknown:
        raise ContractError(
            "invalid_field", f"cannot change {', '.join(sorted(unknown))}", field="changes"
        )
    return {"member_id": _uuid(p, "member_id"), "changes": _member_fields(changes, tuple(changes))}


def _consent(p: Mapping[str, Any]) -> dict[str, Any]:
    granted = _require(p, "granted")
    if not isinstance(granted, bool):
        raise ContractError("invalid_field", "granted must be true or false", field="granted")
    out = {
        "member_id": _uuid(p, "member_id"),
        "purpose": _choice(p, "purpose", CONSENT_PURPOSES),
        "granted": granted,
        "recorded_at": format_time(parse_time(_require(p, "recorded_at"), "recorded_at")),
    }
    # The version of the consent text the member was shown (HQ config ``consent_texts``);
    # absent in older ops, so it stays absent and their body hash holds.
    if p.get("text_version") is not None:
        out["text_version"] = _text(p, "text_version", max_len=32)
    return out


def _bind(p: Mapping[str, Any]) -> dict[str, Any]:
    out = {"member_id": _uuid(p, "member_id"), "card_no": _card(_require(p, "card_no"))}
    if p.get("replaces") is not None:
        out["replaces"] = _card(p["replaces"], "replaces")
    return out


VERSION_RE = re.compile(r"^[0-9a-f]{64}$")


def _earn_basis(p: Mapping[str, Any], out: dict[str, Any]) -> None:
    """What the counter computed with (v1.1, optional): ``rules_version``, ``tier``, ``tier_seq``.

    An older counter sends none of them and HQ computes as in v1.0 (its current rules and
    the member's current tier); absent fields stay absent so old ops keep their body hash.
    """
    if p.get("rules_version") is not None:
        if not isinstance(p["rules_version"], str) or not VERSION_RE.match(p["rules_version"]):
            raise ContractError(
                "invalid_field", "rules_version must be 64 hex digits", field="rules_version"
            )
        out["rules_version"] = p["rules_version"]
    if p.get("tier") is not None:
        out["tier"] = _choice(p, "tier", TIERS)
    if p.get("tier_seq") is not None:
        out["tier_seq"] = _int(p, "tier_seq", lo=0, hi=2**62)


def _earn(p: Mapping[str, Any]) -> dict[str, Any]:
    lines = _require(p, "lines")
    tenders = _require(p, "tenders")
    if not isinstance(lines, list) or not 0 < len(lines) <= 200:
        raise ContractError("invalid_field", "lines must list 1..200 sale lines", field="lines")
    if not isinstance(tenders, list) or not 0 < len(tenders) <= 10:
        raise ContractError("invalid_field", "tenders must list 1..10 tenders", field="tenders")
    clean_lines: list[dict[str, Any]] = [
        {
            "category": _text(line, "category", max_len=32, required=True),
            "amount_fen": _int(line, "amount_fen", lo=0, hi=100_000_000),
        }
        for line in _objects(lines, "lines")
    ]
    clean_tenders: list[dict[str, Any]] = [
        {
            "kind": _choice(t, "kind", TENDER_KINDS),
            "amount_fen": _int(t, "amount_fen", lo=0, hi=100_000_000),
        }
        for t in _objects(tenders, "tenders")
    ]
    if sum(t["amount_fen"] for t in clean_tenders) != sum(
        line["amount_fen"] for line in clean_lines
    ):
        raise ContractError("tenders_mismatch", "tenders must add up to the sale lines")
    out = {
        "member_id": _uuid(p, "member_id"),
        "receipt_no": _text(p, "receipt_no", max_len=64, required=True),
        "sold_at": format_time(parse_time(_require(p, "sold_at"), "sold_at")),
        "lines": clean_lines,
        "tenders": clean_tenders,
        "points": _int(p, "points", lo=0, hi=10_000_000),
    }
    _earn_basis(p, out)
    return out


def _list(payload: Mapping[str, Any], key: str) -> list[Any]:
    value = payload.get(key, [])
    if not isinstance(value, list):
        raise ContractError("invalid_field", f"{key} must be a list", field=key)
    return value


def _missing(key: str) -> str:
    raise ContractError("missing_field", f"{key} is required", field=key)


def _objects(items: list[Any], key: str) -> list[Mapping[str, Any]]:
    if not all(isinstance(i, dict) for i in items):
        raise ContractError("invalid_field", f"every entry of {key} must be an object", field=key)
    return items


def _redeem(p: Mapping[str, Any]) -> dict[str, Any]:
    offline = p.get("offline", False)
    if not isinstance(offline, bool):
        raise ContractError("invalid_field", "offline must be true or false", field="offline")
    return {
        "member_id": _uuid(p, "member_id"),
        "points": _int(p, "points", lo=1, hi=10_000_000),
        "reason": _text(p, "reason", max_len=128) or "",
        "receipt_no": _text(p, "receipt_no", max_len=64),
        "offline": offline,
    }


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


VALIDATORS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "member.register": _register,
    "member.update": _update,
    "member.consent": _consent,
    "card.bind": _bind,
    "points.earn": _earn,
    "points.redeem": _redeem,
    "complaint.create": _complaint_create,
    "complaint.update": _complaint_update,
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


# --- Member records as HQ sends them in /v1/members/changes and /v1/members/lookup ---

MEMBER_STATES = ("active", "deleted", "merged")


def parse_member_record(item: Any) -> dict[str, Any]:
    """One member record (or tombstone) from HQ in canonical form; ContractError if malformed.

    A tombstone is ``{"id", "seq", "status": "deleted" | "merged", "merged_into"?}``; an
    active record carries the member's fields, ``cards`` and (to service roles only, so
    optional) ``health``.
    """
    if not isinstance(item, dict):
        raise ContractError("invalid_record", "a member record must be an object")
    out: dict[str, Any] = {
        "id": _uuid(item, "id"),
        "seq": _int(item, "seq", lo=1, hi=2**62),
        "status": _choice(item, "status", MEMBER_STATES),
    }
    if out["status"] == "merged":
        out["merged_into"] = _uuid(item, "merged_into")
    if out["status"] != "active":
        return out
    member_no = _require(item, "member_no")
    if not isinstance(member_no, str) or not member_no.isascii() or not member_no.isdigit():
        raise ContractError("invalid_field", "member_no must be decimal digits", field="member_no")
    out["member_no"] = member_no
    _require(item, "name")
    _require(item, "phone")
    out.update(_member_fields(item, PROFILE_FIELDS))
    out["health"] = _health(item.get("health"))
    out["tier"] = _choice(item, "tier", TIERS)
    out["points"] = _int(item, "points", lo=-(10**9), hi=10**9)
    out["updated_at"] = format_time(parse_time(_require(item, "updated_at"), "updated_at"))
    cards = _list(item, "cards")
    out["points_expiring"] = [
        {
            "points": _int(e, "points", lo=0, hi=10**9),
            "expires_on": _date(e, "expires_on") or _missing("expires_on"),
        }
        for e in _objects(_list(item, "points_expiring"), "points_expiring")
    ]
    out["recent_visits"] = [
        {
            "at": format_time(parse_time(_require(v, "at"), "recent_visits.at")),
            "store_code": _text(v, "store_code", max_len=32) or "",
            "amount_fen": _int(v, "amount_fen", lo=0, hi=100_000_000),
        }
        for v in _objects(_list(item, "recent_visits"), "recent_visits")[:10]
    ]
    out["cards"] = [
        {
            "card_no": _card(c.get("card_no")),
            "status": _choice(c, "status", ("active", "lost", "replaced", "expired")),
            "valid_until": _date(c, "valid_until"),
        }
        for c in _objects(cards, "cards")
    ]
    return out
