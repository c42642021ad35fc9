"""Member ops (``member.register``, ``member.update``, ``member.consent``, ``card.bind``) and
member records as HQ sends them (``/v1/members/changes``, ``/v1/members/lookup``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from counter.contract.fields import (
    EMAIL_RE,
    TIERS,
    ContractError,
    _card,
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
)

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
    # 1.1: HQ's 12-month self-paid spend, the tier's basis (absent from older HQs: 0)
    spend = item.get("tier_spend_fen")
    out["tier_spend_fen"] = 0 if spend is None else _int(item, "tier_spend_fen", lo=0, hi=10**12)
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
    out["consents"] = record_consents(item.get("consents"))
    return out


def record_consents(value: Any) -> dict[str, dict[str, Any]] | None:
    """1.1: the member's latest consent per purpose, given at any store (None: an older HQ
    that does not say, so the counter keeps what it knows). Unknown purposes are ignored."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ContractError("invalid_field", "consents must be an object", field="consents")
    out: dict[str, dict[str, Any]] = {}
    for purpose in CONSENT_PURPOSES:
        c = value.get(purpose)
        if c is None:
            continue
        if not isinstance(c, dict) or not isinstance(c.get("granted"), bool):
            raise ContractError(
                "invalid_field", f"consents.{purpose} needs granted (bool)", field="consents"
            )
        out[purpose] = {
            "granted": c["granted"],
            "text_version": _text(c, "text_version", max_len=32),
            "at": format_time(parse_time(_require(c, "at"), f"consents.{purpose}.at")),
            "store_code": _text(c, "store_code", max_len=32),
        }
    return out
