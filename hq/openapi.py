"""The published OpenAPI document (docs/hq-api-v1.json): what FastAPI infers, made exact.

FastAPI describes the routes from their signatures, but several things HQ checks itself, so
that it can answer with the contract's own codes rather than a generic 422: the shapes of
card numbers, phones, cursors and checkpoints, the operations (``counter.contract``, stated
by :mod:`counter.contract_schema`), the member-app body (exactly one of two fields), every
status a route can answer, the body limit and compression. This module adds them, so a
client generated from the document sends only what HQ takes (a fuzzer run against the
reference HQ checks it: tests/hq/test_hq_fuzz.py).
"""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import models_json_schema

from counter.contract_schema import REF, operation_schemas
from hq.schemas import ErrorBody

JSON = "application/json"
ERROR = {"content": {JSON: {"schema": {"$ref": REF + "ErrorBody"}}}}
REQUEST_ID = {
    "X-Request-Id": {
        "description": "the client's own X-Request-Id if it sent a sane one (printable ASCII, "
        "1..128 characters), else one HQ made: quote it when reporting a problem",
        "schema": {"type": "string"},
    }
}
CURSOR: dict[str, Any] = {
    "type": "string",
    "pattern": "^[A-Za-z0-9_-]*$",
    "maxLength": 512,
    "description": "opaque: a `next_cursor` this feed gave, unchanged; empty or absent: from "
    "the beginning. HQ signs its cursors: any other string, one edited, or one of the other "
    "feed is `400 invalid_cursor`; one of another epoch, or one HQ's data is older than, is "
    "`409 epoch_changed`",
}
CHECKPOINT: dict[str, Any] = {
    "type": "string",
    "pattern": "^([0-9A-Za-z-]{1,64})?$",
    "description": "the op_id of this store's newest applied op; HQ checks it still has it "
    "(`409 epoch_changed`, `reason: hq_restored`, if not; `400 invalid_checkpoint` if it is "
    "not an op_id). Empty: none",
}
PARAMETERS: dict[str, dict[str, Any]] = {
    "cursor": CURSOR,
    "checkpoint": CHECKPOINT,
    "card_no": {"$ref": REF + "CardNo"},
    "phone": {"$ref": REF + "Phone"},
}
MEMBER_CODE_REQUEST: dict[str, Any] = {
    "type": "object",
    "title": "MemberCodeRequest",
    "properties": {
        "card_no": {"anyOf": [{"$ref": REF + "CardNo"}, {"type": "null"}]},
        "phone": {"anyOf": [{"$ref": REF + "Phone"}, {"type": "null"}]},
    },
    "oneOf": [
        {
            "required": ["card_no"],
            "properties": {"card_no": {"type": "string"}, "phone": {"type": "null"}},
        },
        {
            "required": ["phone"],
            "properties": {"phone": {"type": "string"}, "card_no": {"type": "null"}},
        },
    ],
    "description": "exactly one of `card_no` and `phone` (`422 validation_failed` otherwise)",
}

UNAUTHORIZED = "`unauthorized` (no token) or `invalid_token`; a body is not read"
SERVER_ERROR = (
    "`internal_error` (details: `request_id`): nothing was decided, try again later; "
    "`POST /v1/ops` also when the database itself failed"
)
NOT_VALID = "`validation_failed` (details.errors: `loc`, `message`, `type`)"
FEED = {
    "400": "`invalid_cursor`: a cursor HQ did not make for this feed, or one edited",
    "409": "`epoch_changed` (details: the current `epoch`; `reason`: `hq_restored` when HQ's "
    "data turned out older than the cursor or checkpoint, `cursor_outdated` for a cursor of an "
    "HQ before signed cursors): start again without a cursor",
    "422": f"{NOT_VALID}: `limit` outside 1..5000",
}
BODY = {
    "400": "`bad_request`: `Content-Length` is not a number",
    "413": "`body_too_large` (details: `limit_bytes`; `Connection: close`): at once when "
    "`Content-Length` says so, else as soon as the body grows past the limit",
}
# Every status each route answers besides 200 (and 401/500, which all but health answer).
RESPONSES: dict[tuple[str, str], dict[str, str]] = {
    ("/v1/health", "get"): {},
    ("/v1/store", "get"): {},
    ("/v1/config", "get"): {"304": "unchanged since the ETag sent in If-None-Match"},
    ("/v1/members/changes", "get"): {
        **FEED,
        "400": FEED["400"] + "; `invalid_checkpoint`: a checkpoint that is not an op_id",
    },
    ("/v1/members/lookup", "get"): {
        "404": "`member_not_found`: no active member has this card or phone",
        "422": f"{NOT_VALID}: not exactly one of the two; `invalid_card_no`, `invalid_phone`",
    },
    ("/v1/ops", "post"): {
        **BODY,
        "400": BODY["400"] + "; `invalid_checkpoint`: a checkpoint that is not an op_id",
        "409": "`epoch_changed` (`reason: hq_restored`): HQ no longer has the checkpoint op; "
        "nothing of the batch was applied",
        "422": f"{NOT_VALID}: the body is not JSON, not an object with an `ops` list, or has "
        "more than 500 ops. Nothing was applied. (One op that is malformed is not a batch "
        "error: it is answered `rejected` in the 200 answer.)",
    },
    ("/v1/complaints/changes", "get"): FEED,
    ("/v1/care/changes", "get"): FEED,
    ("/v1/member-app/code", "post"): {
        **BODY,
        "404": "`member_not_found`: no active member has this card or phone",
        "422": f"{NOT_VALID}: not JSON, or not exactly one of the two; `invalid_card_no`, "
        "`invalid_phone`",
        "503": "`no_signing_key`: HQ has no QR signing key (`hq keys rotate`)",
    },
}
BODY_NOTE = (
    "\n\nThe body is read only after the token is checked, and at most the server's limit "
    "(8 MiB by default, `hq serve --max-body-bytes`): larger is `413 body_too_large`. HQ "
    "does not decode a `Content-Encoding`: send the body uncompressed."
)
DESCRIPTION = """\
The contract between the store counters and HQ (docs/hq-api.md).

- Every route but `/v1/health` needs `Authorization: Bearer <store token>` (401 otherwise).
- Errors are `{"error": {"code", "message", "details"}}`; clients branch on `code`.
  401, 429 and 5xx mean nothing was decided: retry later, honouring `Retry-After`.
- A business refusal of an operation is not an HTTP error: `POST /v1/ops` answers 200 with a
  result per op, `rejected` with its code.
- Request bodies (`POST /v1/ops`, `POST /v1/member-app/code`) are JSON in UTF-8, at most the
  server's limit (the reference HQ: 8 MiB, `hq serve --max-body-bytes`), uncompressed: HQ does
  not decode a `Content-Encoding`. Answers are not compressed either (a proxy in front may).
- Times are RFC 3339 in UTC; IDs UUIDs; money integer fen; card numbers 16 digits with a
  Luhn check digit; phones 11-digit mainland mobiles.
"""


def _response(status: str, description: str) -> dict[str, Any]:
    if status == "304":
        return {"description": description, "headers": REQUEST_ID}
    return {"description": description, "headers": REQUEST_ID, **ERROR}


def refine(document: dict[str, Any]) -> None:
    """Make ``document`` (FastAPI's, for the v1 router) state what HQ really checks."""
    document["info"]["description"] = DESCRIPTION
    components = document.setdefault("components", {}).setdefault("schemas", {})
    _, defs = models_json_schema([(ErrorBody, "validation")], ref_template=REF + "{model}")
    components.update(defs["$defs"])
    components.update(operation_schemas())
    components["MemberCodeRequest"] = MEMBER_CODE_REQUEST
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    for (path, method), errors in RESPONSES.items():
        operation = document["paths"][path][method]
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and parameter["name"] in PARAMETERS:
                parameter["schema"] = PARAMETERS[parameter["name"]]
        responses = operation["responses"]
        ok = responses["200"]
        ok["headers"] = REQUEST_ID
        if path == "/v1/config":
            ok["headers"] = {**REQUEST_ID, "ETag": {"schema": {"type": "string"}}}
        statuses = dict(errors)
        if path != "/v1/health":
            statuses["401"] = UNAUTHORIZED
        statuses["500"] = SERVER_ERROR
        operation["responses"] = {"200": ok} | {
            status: _response(status, text) for status, text in sorted(statuses.items())
        }
        if "requestBody" in operation:
            operation["description"] = operation.get("description", "") + BODY_NOTE
