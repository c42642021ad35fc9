"""The published op schemas (counter.contract_schema) say what counter.contract decides.

Every op type of the contract has a schema; a typical op of each type meets its schema and
passes the validator; and every length and number limit the schema states is probed at the
limit and one past it, against both. A limit changed on one side only fails here.
"""

from __future__ import annotations

import copy
import inspect
import re
from typing import Any

import jsonschema_rs
import pytest

from counter.codes import is_card_no, make_card_no
from counter.contract import OP_TYPES, VALIDATORS, ContractError, followup_of, validate_op
from counter.contract_schema import (
    CARD_NO_FORMAT,
    REF,
    operation_schemas,
    payload_schemas,
    schema_name,
)

SCHEMAS = operation_schemas()
VALIDATOR = jsonschema_rs.validator_for(
    {"$ref": REF + "Operation", "components": {"schemas": SCHEMAS}},
    formats={CARD_NO_FORMAT: is_card_no},
    validate_formats=True,
)
ID = "0190f5d2-7a3c-7b1e-9c4d-2f6a8b0c1d2e"
CARD = make_card_no("880000000000001")
NOW = "2026-11-20T02:00:00Z"
PAYLOADS: dict[str, dict[str, Any]] = {
    "member.register": {
        "member_id": ID, "name": "张小明", "phone": "13812345678", "gender": "M",
        "birthday": "1990-05-01", "email": "a@b.cn", "address": "上海", "education": None,
        "income": None, "marital_status": "married", "card_no": CARD, "referrer_id": ID,
    },
    "member.update": {
        "member_id": ID,
        "changes": {
            "name": "王芳",
            "health": {
                "allergies": ["青霉素"],
                "medicines": ["阿司匹林", {"name": "氨氯地平", "dose": "5mg", "days_supply": 30,
                                           "last_dispensed": "2026-11-20"}],
            },
        },
    },
    "member.consent": {
        "member_id": ID, "purpose": "health", "granted": True, "recorded_at": NOW,
        "text_version": "health-2026.1",
    },
    "card.bind": {"member_id": ID, "card_no": CARD, "replaces": None},
    "points.earn": {
        "member_id": ID, "receipt_no": "R-1", "sold_at": NOW,
        "lines": [{"category": "otc", "amount_fen": 4250}],
        "tenders": [{"kind": "cash", "amount_fen": 4250}], "points": 42,
        "rules_version": "0" * 64, "tier": "gold", "tier_seq": 7,
    },
    "points.redeem": {"member_id": ID, "points": 10, "reason": "gift", "offline": True},
    "points.reverse": {
        "member_id": ID, "receipt_no": "R-1", "refunded_fen": 2000, "full": False, "points": 20,
    },
    "points.award": {
        "member_id": ID, "reason_code": "health_talk", "points": 50, "note": "十一月讲座",
        "rules_version": "0" * 64,
    },
    "complaint.create": {
        "complaint_id": ID, "member_id": None, "customer_name": "李女士",
        "customer_phone": "13912345678", "category": "price", "severity": "high",
        "channel": "counter", "description": "排队太久\n", "wants": "", "created_at": NOW,
        "number": "S001-1-20261120-001",
    },
    "complaint.update": {
        "complaint_id": ID, "status": "handling", "note": "已联系",
        "followup": {
            "at": NOW, "note": "", "satisfaction": 5, "method": "wechat", "reached": False,
        },
    },
    "care.enroll": {
        "plan_id": ID, "member_id": ID, "template": "osteoporosis", "start_on": "2026-12-07",
        "tasks": [{"task_id": ID, "step": 1, "due_on": "2026-12-07"}],
    },
    "care.task": {
        "task_id": ID, "plan_id": ID, "member_id": ID, "outcome": "no_answer",
        "note": "没人接\n", "done_on": "2026-12-07",
    },
}  # fmt: skip


def op_of(op_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "op_id": ID, "type": op_type, "created_at": NOW, "pc_time": NOW,
        "store_code": "S001", "operator_id": "op-1", "payload": payload,
    }  # fmt: skip


def contract_takes(op: dict[str, Any]) -> bool:
    try:
        validate_op(op)
    except ContractError:
        return False
    return True


def test_every_op_type_has_a_schema() -> None:
    assert set(payload_schemas()) == set(VALIDATORS) == set(OP_TYPES)
    mapping = SCHEMAS["Operation"]["discriminator"]["mapping"]
    assert set(mapping) == set(OP_TYPES)
    assert all(f"{schema_name(t)}Payload" in SCHEMAS for t in OP_TYPES)


# How the validators read a payload's fields: p.get("x"), p["x"], _uuid(p, "x"), _text(p, "x")…
_READS = re.compile(r'\bp(?:\.get\(|\[|\w*, )"(\w+)"|\(p, "(\w+)"')


@pytest.mark.parametrize("op_type", OP_TYPES)
def test_every_field_the_validator_reads_is_in_the_schema(op_type: str) -> None:
    """A field added to counter.contract must be added to counter.contract_schema too."""
    source = inspect.getsource(VALIDATORS[op_type])
    read = {a or b for a, b in _READS.findall(source)}
    stated = set(payload_schemas()[op_type]["properties"])
    assert read, source
    assert read <= stated, f"{op_type}: {sorted(read - stated)} missing from its payload schema"


def test_every_followup_field_is_in_the_schema() -> None:
    source = inspect.getsource(followup_of)
    read = set(re.findall(r'\bf(?:\.get\(|\[|\w*, )"(\w+)"|\(f, "(\w+)"', source))
    fields = {a or b for a, b in read} | set(re.findall(r'"(\w+)" in f\b', source))
    followup = payload_schemas()["complaint.update"]["properties"]["followup"]["anyOf"][0]
    assert fields and fields <= set(followup["properties"]), sorted(fields)


@pytest.mark.parametrize("op_type", OP_TYPES)
def test_a_typical_op_meets_its_schema_and_the_contract(op_type: str) -> None:
    op = op_of(op_type, PAYLOADS[op_type])
    assert VALIDATOR.is_valid(op), [e.message for e in VALIDATOR.iter_errors(op)]
    assert contract_takes(op)


# Texts of a stated shape, padded to a length (white space around is trimmed).
FILL = {
    "email": lambda n: "x" * (n - 5) + "@b.cn",
    "customer_phone": lambda n: f"{'13912345678':^{n}}",
}


def _probes(key: str, schema: dict[str, Any]) -> list[tuple[Any, bool]]:
    """(value, valid) at each stated limit and one past it."""
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            schema = option
    probes: list[tuple[Any, bool]] = []
    if "maxLength" in schema:
        fill = FILL.get(key, lambda n: "x" * n)
        probes += [(fill(schema["maxLength"]), True), (fill(schema["maxLength"] + 1), False)]
    if schema.get("type") == "integer":
        probes += [(schema["minimum"], True), (schema["minimum"] - 1, False)]
        probes += [(schema["maximum"], True), (schema["maximum"] + 1, False)]
        probes += [(float(schema["minimum"]), True), (schema["minimum"] + 0.5, False)]
    return probes


def _limit_cases() -> list[tuple[str, str, Any, bool]]:
    cases = []
    for op_type, schema in payload_schemas().items():
        for key, prop in schema["properties"].items():
            if key in PAYLOADS[op_type] or key in schema["required"]:
                cases += [(op_type, key, value, ok) for value, ok in _probes(key, prop)]
    return cases


@pytest.mark.parametrize(("op_type", "key", "value", "ok"), _limit_cases())
def test_each_limit_is_the_contracts(op_type: str, key: str, value: Any, ok: bool) -> None:
    payload = copy.deepcopy(PAYLOADS[op_type])
    payload[key] = value
    if op_type == "points.earn" and key == "points":
        payload["points"] = value  # the figure is HQ's to check, not the schema's
    op = op_of(op_type, payload)
    assert VALIDATOR.is_valid(op) is ok
    assert contract_takes(op) is ok


def test_an_integral_number_is_an_integer() -> None:
    """JSON has one number type: 5.0 is 5, as JSON Schema's `integer` says."""
    op = op_of("points.redeem", {**PAYLOADS["points.redeem"], "points": 10.0})
    assert VALIDATOR.is_valid(op)
    clean = validate_op(op)
    assert clean["payload"]["points"] == 10 and type(clean["payload"]["points"]) is int


@pytest.mark.parametrize(
    ("op_type", "key", "value"),
    [
        ("member.register", "card_no", make_card_no("880000000000001")[:-1] + "0"),
        ("member.register", "phone", "23812345678"),
        ("member.register", "name", "   "),
        ("member.register", "name", "张\x00"),
        ("complaint.create", "description", "a\u202eb"),
        ("complaint.create", "customer_phone", "12345"),
        ("points.earn", "rules_version", "X" * 64),
        ("points.award", "reason_code", "Health Talk"),
        ("points.award", "rules_version", "0" * 63),
        ("points.reverse", "full", "yes"),
        ("card.bind", "member_id", "not-a-uuid"),
    ],
)
def test_shapes_both_refuse(op_type: str, key: str, value: Any) -> None:
    op = op_of(op_type, {**PAYLOADS[op_type], key: value})
    if key == "card_no" and is_card_no(value):
        pytest.skip("the altered digit happened to check out")
    assert not VALIDATOR.is_valid(op)
    assert not contract_takes(op)
