"""The v1 routes (DESIGN §3, docs/hq-api.md)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel

from counter.codes import is_card_no
from counter.contract import PHONE_RE
from hq import API_VERSION
from hq.api_errors import APIError
from hq.auth import authenticated_store, get_engine
from hq.body import json_body
from hq.care_schemas import CareChanges
from hq.config import served_config
from hq.db import current_seq, get_epoch
from hq.feeds import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    care_changes,
    check_write_checkpoint,
    complaint_changes,
    member_changes,
    parse_checkpoint,
)
from hq.members import MemberNotFound, NoSigningKey, lookup_text, member_code
from hq.ops import apply_batch
from hq.schemas import (
    ComplaintChanges,
    Config,
    Health,
    MemberChanges,
    MemberCode,
    MemberCodeRequest,
    MemberLookup,
    OpsRequest,
    OpsResponse,
    StoreInfo,
)
from hq.stores import StoreIdentity
from hq.times import rfc3339, utcnow

router = APIRouter(prefix="/v1")

Store = Annotated[StoreIdentity, Depends(authenticated_store)]
JSON = "application/json"
# Every status a route answers, and the shapes HQ checks itself, are stated in hq.openapi.


def _body_doc(model: type[BaseModel]) -> dict[str, Any]:
    """The request body as the docs show it (read by :func:`hq.body.json_body`, not FastAPI)."""
    schema = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"requestBody": {"content": {JSON: {"schema": schema}}, "required": True}}


def _json(body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(content=body, status_code=status, media_type=JSON, headers=headers)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@router.get("/health")
def health(request: Request, response: Response) -> Health:
    """Liveness, HQ's clock (counters compare it with theirs), the data's epoch and head."""
    with get_engine(request).connect() as conn:
        epoch = get_epoch(conn) or ""
        head = current_seq(conn)
    response.headers["Cache-Control"] = "no-store"
    return Health(
        server_time=rfc3339(utcnow()), epoch=epoch, head_seq=head, api_version=API_VERSION
    )


@router.get("/store")
def current_store(store: Store) -> StoreInfo:
    """Which store the token belongs to: lets a counter check its setup."""
    return StoreInfo(code=store.code, name=store.name)


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    for candidate in header.split(","):
        tag = candidate.strip()
        if tag == "*":
            return True
        tag = tag.removeprefix("W/")
        if tag == etag or tag == etag.strip('"'):
            return True
    return False


@router.get(
    "/config",
    response_model=Config,
)
def config(
    request: Request,
    _store: Store,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """The rules the counter computes with, and the QR public keys (ETag / If-None-Match)."""
    with get_engine(request).connect() as conn:
        served = served_config(conn)
    headers = {"ETag": served.etag, "Cache-Control": "no-cache"}
    if _etag_matches(if_none_match, served.etag):
        return Response(status_code=304, headers=headers)
    return _json(_dumps(served.body), headers=headers)


@router.get(
    "/members/changes",
    response_model=MemberChanges,
)
def members_changes(
    request: Request,
    store: Store,
    cursor: Annotated[str | None, Query(description="opaque; absent: from the start")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    checkpoint: Annotated[
        str | None,
        Query(description="op_id of this store's newest applied op: HQ checks it still has it"),
    ] = None,
) -> Response:
    """Members changed after the cursor, oldest change first; tombstones included."""
    op_id = parse_checkpoint(checkpoint)
    return _json(
        member_changes(
            get_engine(request), cursor, limit, None if op_id is None else (store.code, op_id)
        )
    )


def _card_or_phone(card_no: str | None, phone: str | None) -> tuple[str | None, str | None]:
    if (card_no is None) == (phone is None):
        raise APIError(
            422, "validation_failed", "give exactly one of card_no and phone", {"errors": []}
        )
    if card_no is not None and not is_card_no(card_no):
        raise APIError(422, "invalid_card_no", "card_no must be 16 digits with a Luhn check digit")
    if phone is not None and not PHONE_RE.match(phone):
        raise APIError(422, "invalid_phone", "phone must be an 11-digit mainland mobile")
    return card_no, phone


@router.get(
    "/members/lookup",
    response_model=MemberLookup,
)
def members_lookup(
    request: Request,
    _store: Store,
    card_no: str | None = None,
    phone: str | None = None,
) -> Response:
    """The online fallback for a member not yet in the cache (exactly one of the two)."""
    card_no, phone = _card_or_phone(card_no, phone)
    text = lookup_text(get_engine(request), card_no=card_no, phone=phone)
    if text is None:
        raise APIError(404, "member_not_found", "HQ has no active member with this card or phone")
    return _json(b'{"member":' + text.encode("utf-8") + b"}")


@router.post(
    "/ops",
    response_model=OpsResponse,
    openapi_extra=_body_doc(OpsRequest),
)
def post_ops(
    request: Request,
    store: Store,
    batch: Annotated[OpsRequest, Depends(json_body(OpsRequest))],
    checkpoint: Annotated[
        str | None,
        Query(description="op_id of this store's newest applied op: HQ checks it still has it"),
    ] = None,
) -> Response:
    """A batch of operations, applied in order, each idempotent by its op_id.

    A business refusal is a result with ``status: rejected`` in a 200 answer; HQ has
    committed everything it answers.
    """
    check_write_checkpoint(get_engine(request), store.code, parse_checkpoint(checkpoint))
    results = apply_batch(get_engine(request), store.code, batch.ops)
    return _json(('{"results":[' + ",".join(results) + "]}").encode("utf-8"))


@router.get(
    "/complaints/changes",
    response_model=ComplaintChanges,
)
def complaints_changes(
    request: Request,
    store: Store,
    cursor: Annotated[str | None, Query(description="opaque; absent: from the start")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response:
    """This store's complaints as HQ sees them; never another store's."""
    return _json(complaint_changes(get_engine(request), store.code, cursor, limit))


@router.get(
    "/care/changes",
    response_model=CareChanges,
)
def care_changes_route(
    request: Request,
    store: Store,
    cursor: Annotated[str | None, Query(description="opaque; absent: from the start")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response:
    """1.1: this store's care plans and their tasks as HQ holds them; never another store's."""
    return _json(care_changes(get_engine(request), store.code, cursor, limit))


@router.post(
    "/member-app/code",
    response_model=MemberCode,
    openapi_extra=_body_doc(MemberCodeRequest),
)
def member_app_code(
    request: Request,
    _store: Store,
    body: Annotated[MemberCodeRequest, Depends(json_body(MemberCodeRequest))],
) -> MemberCode:
    """A dynamic member QR token, as the member app gets it (any store may ask, for demos)."""
    card_no, phone = _card_or_phone(body.card_no, body.phone)
    try:
        code = member_code(get_engine(request), card_no=card_no, phone=phone)
    except MemberNotFound:
        raise APIError(
            404, "member_not_found", "HQ has no active member with this card or phone"
        ) from None
    except NoSigningKey as exc:
        raise APIError(503, "no_signing_key", str(exc)) from None
    return MemberCode(**code.as_json())
