"""Schemathesis hooks for the HQ fuzz run (tests/hq/test_hq_fuzz.py): what the fuzzer can
be told rather than excused from.

- ``card-no``: the format of card numbers in the document (16 digits whose last is the Luhn
  check digit). A pattern cannot state a check digit; this strategy makes the fuzzer send
  card numbers HQ takes, so its "valid data is accepted" check holds for them too.
- ``ops_answered_per_op``: a malformed op in a batch is not an HTTP error, by the contract
  (docs/hq-api.md, ``POST /v1/ops``): HQ answers 200 with that op ``rejected``. The fuzzer's
  own negative-data check is told so in schemathesis.toml (200 is an expected status there);
  this check holds HQ to what the contract promises instead: every op that breaks the
  document's ``Operation`` schema is answered ``rejected`` with a validation code, and no
  op that meets it is refused for its shape (``tenders_mismatch`` aside: tenders adding up
  to the lines is a rule the schema states in words only).
"""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import schemathesis
from hypothesis import strategies as st

from counter.codes import is_card_no, make_card_no
from counter.contract_schema import CARD_NO_FORMAT, operation_schemas

schemathesis.openapi.format(CARD_NO_FORMAT, st.from_regex(r"\A[0-9]{15}\Z").map(make_card_no))

VALIDATION_CODES = frozenset(
    {
        "invalid_op",
        "missing_field",
        "invalid_field",
        "invalid_phone",
        "invalid_card_no",
        "unknown_op_type",
        "invalid_payload",
        "tenders_mismatch",
    }
)
# Not decided by the op's shape: a replayed outcome, or an op_id already used otherwise.
UNDECIDABLE = frozenset({"idempotency_conflict"})
_OPERATION = jsonschema_rs.validator_for(
    {"$ref": "#/components/schemas/Operation", "components": {"schemas": operation_schemas()}},
    formats={CARD_NO_FORMAT: lambda text: is_card_no(text)},
    validate_formats=True,
)


def operation_problem(op: Any) -> str | None:
    """Why ``op`` breaks the document's Operation schema, or None when it meets it."""
    for error in _OPERATION.iter_errors(op):
        return str(error.message)
    return None


@schemathesis.check
def ops_answered_per_op(ctx: Any, response: Any, case: Any) -> bool | None:
    if (case.method.upper(), case.path) != ("POST", "/v1/ops") or response.status_code != 200:
        return None
    body = case.body
    if not isinstance(body, dict) or not isinstance(body.get("ops"), list):
        return None
    results = response.json()["results"]
    assert len(results) == len(body["ops"]), "one result per op, in order"
    for index, (op, result) in enumerate(zip(body["ops"], results, strict=True)):
        if result.get("replayed"):
            continue
        code = (result.get("error") or {}).get("code")
        if code in UNDECIDABLE:
            continue
        problem = operation_problem(op)
        if problem is not None:
            assert result["status"] == "rejected" and code in VALIDATION_CODES, (
                f"op #{index} breaks the Operation schema ({problem}) but HQ answered "
                f"{result['status']} {code or ''}"
            )
        else:
            assert code is None or code == "tenders_mismatch" or code not in VALIDATION_CODES, (
                f"op #{index} meets the Operation schema but HQ refused its shape: {code} "
                f"{result['error'].get('message')} {result['error'].get('details')}"
            )
    return True
