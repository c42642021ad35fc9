"""The operations of :mod:`counter.contract` as JSON Schema, for the published OpenAPI document.

``counter.contract`` is the one source of truth: its validators decide. This module states
the same rules declaratively, built from the contract's own constants (types, choices,
patterns, batch size), so a client generated from ``docs/hq-api-v1.json`` sends only what
HQ takes. The limits the validators keep inline are restated here; the tests probe every one
against ``validate_op`` (tests/test_contract_schema.py), and an op type added to the contract
without a schema here fails them.

What a schema cannot say is in the descriptions: a card number's Luhn check digit (the
``card-no`` format), tenders adding up to the sale lines (``tenders_mismatch``), and the
business rejections, which are per-op answers, not schema violations.
"""

from __future__ import annotations

from typing import Any

from counter.contract import (
    AWARD_POINTS_MAX,
    AWARD_REASON_RE,
    COMPLAINT_CATEGORIES,
    COMPLAINT_CHANNELS,
    COMPLAINT_NUMBER_RE,
    COMPLAINT_SEVERITIES,
    COMPLAINT_STATES,
    CONSENT_PURPOSES,
    FOLLOWUP_METHODS,
    HEALTH_KEYS,
    MAX_BATCH,
    MEMBER_UPDATABLE,
    OP_TYPES,
    PHONE_RE,
    TENDER_KINDS,
    TIERS,
    VERSION_RE,
)

Schema = dict[str, Any]

REF = "#/components/schemas/"
UUID_PATTERN = "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
CARD_NO_PATTERN = "^[0-9]{16}$"
CARD_NO_FORMAT = "card-no"  # 16 digits whose last is the Luhn check digit of the others
PHONE_PATTERN = PHONE_RE.pattern.replace("\\Z", "$")
RULES_VERSION_PATTERN = VERSION_RE.pattern
# No text of an op may hold these (counter.contract.text_problem): C0/C1 controls, DEL,
# bidi embeddings, overrides and isolates. Multi-line fields may hold tab, LF and CR.
_BAD_LINE = "\\u0000-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069"
_BAD_TEXT = (
    "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069"
)
MONEY_MAX = 100_000_000
POINTS_MAX = 10_000_000
SEQ_MAX = 2**62


def _text(max_len: int, *, required: bool = False, multiline: bool = False) -> Schema:
    """Text of at most ``max_len`` characters (counted before trimming); ``required``:
    something besides white space."""
    bad = _BAD_TEXT if multiline else _BAD_LINE
    pattern = f"^[^{bad}]*[^{bad}\\s][^{bad}]*$" if required else f"^[^{bad}]*$"
    return {"type": "string", "maxLength": max_len, "pattern": pattern}


def _nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def _ref(name: str) -> Schema:
    return {"$ref": REF + name}


def _enum(values: tuple[str, ...]) -> Schema:
    return {"type": "string", "enum": list(values)}


def _int(lo: int, hi: int) -> Schema:
    return {"type": "integer", "minimum": lo, "maximum": hi}


TIME: Schema = {
    "type": "string",
    "format": "date-time",
    "description": "RFC 3339 with a UTC offset (`Z` or ±hh:mm); a time without one is refused",
}
DATE: Schema = {"type": "string", "format": "date", "description": "YYYY-MM-DD"}


def _object(properties: dict[str, Schema], required: list[str], **extra: Any) -> Schema:
    """An object; unknown members are ignored by HQ (additive contract changes)."""
    return {"type": "object", "properties": properties, "required": required, **extra}


def common_schemas() -> dict[str, Schema]:
    """The shared string shapes: UUIDs, card numbers, phones."""
    return {
        "Uuid": {
            "type": "string",
            "format": "uuid",
            "pattern": UUID_PATTERN,
            "description": "a UUID in its hyphenated form (v7 preferred), compared in lower case",
        },
        "CardNo": {
            "type": "string",
            "pattern": CARD_NO_PATTERN,
            "format": CARD_NO_FORMAT,
            "description": "16 ASCII digits, the last the Luhn check digit of the first 15 "
            "(`invalid_card_no` otherwise)",
        },
        "Phone": {
            "type": "string",
            "pattern": PHONE_PATTERN,
            "description": "an 11-digit mainland mobile number, ASCII digits "
            "(`invalid_phone` otherwise)",
        },
    }


def _profile() -> dict[str, Schema]:
    """The member's profile fields as member.register and member.update take them."""
    return {
        "name": _text(32, required=True),
        "phone": _ref("Phone"),
        "gender": _enum(("F", "M", "")),
        "birthday": _nullable(DATE),
        "email": _nullable(
            {
                **_text(128),
                "pattern": f"^\\s*([^@\\s{_BAD_LINE}]+@[^@\\s{_BAD_LINE}]+\\."
                f"[^@\\s{_BAD_LINE}]+)?\\s*$",
                "description": "empty, or an address (name@domain.tld)",
            }
        ),
        "address": _nullable(_text(256)),
        "education": _nullable(_text(32)),
        "income": _nullable(_text(32)),
        "marital_status": _nullable(_text(32)),
    }


def _health() -> Schema:
    item = {**_text(64), "minLength": 1}
    medicine = {
        "anyOf": [
            {**_text(64, required=True), "description": "a name alone (older records)"},
            {
                "type": "object",
                "properties": {
                    "name": _text(64, required=True),
                    "dose": _nullable(_text(32)),
                    "days_supply": _nullable(_int(1, 366)),
                    "last_dispensed": _nullable(DATE),
                },
                "required": ["name"],
                "additionalProperties": False,
            },
        ]
    }
    lists = {key: {"type": "array", "items": item} for key in HEALTH_KEYS}
    lists["medicines"] = {"type": "array", "items": medicine}
    return _nullable(
        {
            "type": "object",
            "properties": lists,
            "additionalProperties": False,
            "description": "missing lists are empty; at most 50 entries of each are kept",
        }
    )


def payload_schemas() -> dict[str, Schema]:
    """Each op type's payload, by type (the names are ``<Type>Payload``)."""
    profile = _profile()
    changes = {**profile, "health": _health()}
    money = _int(0, MONEY_MAX)
    money_pos = _int(1, MONEY_MAX)
    payloads: dict[str, Schema] = {
        "member.register": _object(
            {
                "member_id": _ref("Uuid"),
                **profile,
                "card_no": _nullable(_ref("CardNo")),
                "referrer_id": _nullable(
                    {**_ref("Uuid"), "description": "the member who brought them"}
                ),
            },
            ["member_id", "name", "phone"],
        ),
        "member.update": _object(
            {
                "member_id": _ref("Uuid"),
                "changes": {
                    "type": "object",
                    "properties": changes,
                    "propertyNames": {"enum": list(MEMBER_UPDATABLE)},
                    "minProperties": 1,
                    "description": "the fields to change; `health` needs the member's consent",
                },
            },
            ["member_id", "changes"],
        ),
        "member.consent": _object(
            {
                "member_id": _ref("Uuid"),
                "purpose": _enum(CONSENT_PURPOSES),
                "granted": {"type": "boolean"},
                "recorded_at": TIME,
                "text_version": _nullable(
                    {**_text(32), "description": "the version of the consent text shown"}
                ),
            },
            ["member_id", "purpose", "granted", "recorded_at"],
        ),
        "card.bind": _object(
            {
                "member_id": _ref("Uuid"),
                "card_no": _ref("CardNo"),
                "replaces": _nullable(_ref("CardNo")),
            },
            ["member_id", "card_no"],
        ),
        "points.earn": _object(
            {
                "member_id": _ref("Uuid"),
                "receipt_no": _text(64, required=True),
                "sold_at": TIME,
                "lines": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 200,
                    "items": _object(
                        {"category": _text(32, required=True), "amount_fen": money},
                        ["category", "amount_fen"],
                    ),
                },
                "tenders": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 10,
                    "items": _object(
                        {"kind": _enum(TENDER_KINDS), "amount_fen": money},
                        ["kind", "amount_fen"],
                    ),
                    "description": "must add up to the lines' amounts (`tenders_mismatch`)",
                },
                "points": _int(0, POINTS_MAX),
                "rules_version": _nullable(
                    {"type": "string", "pattern": RULES_VERSION_PATTERN, "description": "1.1"}
                ),
                "tier": _nullable(_enum(TIERS)),
                "tier_seq": _nullable(_int(0, SEQ_MAX)),
            },
            ["member_id", "receipt_no", "sold_at", "lines", "tenders", "points"],
        ),
        "points.redeem": _object(
            {
                "member_id": _ref("Uuid"),
                "points": _int(1, POINTS_MAX),
                "reason": _nullable(_text(128)),
                "receipt_no": _nullable(_text(64)),
                "offline": {"type": "boolean", "default": False},
                "reward": _nullable(
                    {**_text(32, required=True), "description": "1.1: a code of points.rewards"}
                ),
                "quantity": _nullable({**_int(1, 999), "description": "1.1: of the reward"}),
            },
            ["member_id", "points"],
        ),
        "points.reverse": _object(
            {
                "member_id": _ref("Uuid"),
                "receipt_no": _text(64, required=True),
                "refunded_fen": {
                    **money_pos,
                    "description": "self-paid money refunded; with `full`, what the counter "
                    "knew was left",
                },
                "full": {
                    "type": "boolean",
                    "default": False,
                    "description": "reverse all that is left of the receipt",
                },
                "points": {
                    **_int(0, POINTS_MAX),
                    "description": "points the counter took back (counter.rules.reverse_points)",
                },
            },
            ["member_id", "receipt_no", "refunded_fen", "points"],
            description="1.1: a refund (退货) of a receipt this store's earn booked",
        ),
        "points.award": _object(
            {
                "member_id": _ref("Uuid"),
                "reason_code": {
                    "type": "string",
                    "pattern": AWARD_REASON_RE.pattern.replace("\\Z", "$"),
                    "description": "a code of the config's points.award_reasons",
                },
                "points": _int(1, AWARD_POINTS_MAX),
                "note": _nullable(_text(200, multiline=True)),
                "rules_version": _nullable(
                    {"type": "string", "pattern": RULES_VERSION_PATTERN, "description": "1.1"}
                ),
            },
            ["member_id", "reason_code", "points"],
            description="1.1: activity points (活动积分) for a reason of the catalogue",
        ),
        "complaint.create": _object(
            {
                "complaint_id": _ref("Uuid"),
                "member_id": _nullable(_ref("Uuid")),
                "customer_name": _nullable(_text(64)),
                "customer_phone": _nullable(
                    {
                        **_text(20),
                        "pattern": f"^\\s*({PHONE_PATTERN[1:-1]})?\\s*$",
                        "description": "empty, or an 11-digit mainland mobile",
                    }
                ),
                "category": _enum(COMPLAINT_CATEGORIES),
                "severity": _enum(COMPLAINT_SEVERITIES),
                "channel": _enum(COMPLAINT_CHANNELS),
                "description": _text(4000, required=True, multiline=True),
                "wants": _nullable(_text(1000, multiline=True)),
                "created_at": TIME,
                "number": _nullable(
                    {
                        "type": "string",
                        "pattern": COMPLAINT_NUMBER_RE.pattern.replace("\\Z", "$"),
                        "description": "1.1: STORE-PC-YYYYMMDD-SEQ, numbered at the counter",
                    }
                ),
            },
            ["complaint_id", "category", "severity", "channel", "description", "created_at"],
            anyOf=[
                {"required": ["member_id"], "properties": {"member_id": _ref("Uuid")}},
                {
                    "required": ["customer_name"],
                    "properties": {"customer_name": _text(64, required=True)},
                },
            ],
            description="names a member or a customer",
        ),
        "complaint.update": _object(
            {
                "complaint_id": _ref("Uuid"),
                "status": _nullable(_enum(COMPLAINT_STATES)),
                "note": _nullable(_text(4000, required=True, multiline=True)),
                "followup": _nullable(
                    _object(
                        {
                            "at": TIME,
                            "note": _nullable(_text(2000, multiline=True)),
                            "satisfaction": _int(1, 5),
                            "method": {**_enum(FOLLOWUP_METHODS), "default": "phone"},
                            "reached": {"type": "boolean", "default": True},
                        },
                        ["at", "satisfaction"],
                    )
                ),
            },
            ["complaint_id"],
            anyOf=[
                {"required": [key], "properties": {key: {"not": {"type": "null"}}}}
                for key in ("status", "note", "followup")
            ],
            description="changes something: a status, a note or the follow-up",
        ),
    }
    from counter.contract_care_schema import care_payload_schemas  # builds on this module

    payloads.update(care_payload_schemas())
    return payloads


def schema_name(op_type: str) -> str:
    """``points.earn`` → ``PointsEarn``."""
    return "".join(part.capitalize() for part in op_type.replace(".", "_").split("_"))


def operation_schemas() -> dict[str, Schema]:
    """Every component the ops need: the shared shapes, each type's payload and op, the
    ``Operation`` (one of them, by ``type``) and the ``OpsRequest``."""
    schemas = common_schemas()
    payloads = payload_schemas()
    mapping: dict[str, str] = {}
    for op_type in OP_TYPES:
        name = schema_name(op_type)
        schemas[f"{name}Payload"] = payloads[op_type]
        schemas[f"{name}Op"] = _object(
            {
                "op_id": {
                    **_ref("Uuid"),
                    "description": "made by the counter; the op's identity for ever",
                },
                "type": {"const": op_type},
                "created_at": {
                    **TIME,
                    "description": "the counter's time: its PC clock corrected by the skew it "
                    "measured against HQ's server_time",
                },
                "pc_time": _nullable(
                    {**TIME, "description": "optional: what the PC's own clock said"}
                ),
                "store_code": {
                    **_text(32, required=True),
                    "description": "the authenticated store's (`store_mismatch` otherwise)",
                },
                "operator_id": _text(64, required=True),
                "payload": _ref(f"{name}Payload"),
            },
            ["op_id", "type", "created_at", "store_code", "operator_id", "payload"],
            title=f"{op_type} operation",
        )
        mapping[op_type] = REF + f"{name}Op"
    schemas["Operation"] = {
        "oneOf": [{"$ref": ref} for ref in mapping.values()],
        "discriminator": {"propertyName": "type", "mapping": mapping},
        "description": "One operation, checked by counter.contract.validate_op. An op that "
        "does not match is not a batch error: it is answered `rejected` in the 200 answer "
        "(`invalid_op` when not an object; `missing_field`, `invalid_field`, `invalid_phone`, "
        "`invalid_card_no`, `tenders_mismatch`, `unknown_op_type`, `invalid_payload`).",
    }
    schemas["OpsRequest"] = _object(
        {
            "ops": {
                "type": "array",
                "maxItems": MAX_BATCH,
                "items": _ref("Operation"),
                "description": f"at most {MAX_BATCH} operations, applied in order",
            }
        },
        ["ops"],
        title="OpsRequest",
    )
    return schemas
