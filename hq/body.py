"""Request bodies: read only once the store is known, and never beyond a limit.

FastAPI reads and parses a route's declared body before it resolves the route's
dependencies, so a body parameter would let anyone without a token make HQ hold and parse
any amount of JSON (a 50 MB body took one HQ process from 157 MB to 1.4 GB). Routes with a
body therefore declare none; they depend on :func:`json_body`, which depends on
:func:`hq.auth.authenticated_store` and so runs after it:

1. no token or an unknown one: 401 before a byte of the body is read (the answer says
   ``Connection: close``, so HQ does not drain what the caller still sends);
2. a ``Content-Length`` over the limit: 413 at once, the body unread;
3. otherwise the body is read in chunks as it arrives, and a body that grows past the
   limit (chunked, or longer than it said) is 413 as soon as it does;
4. the JSON is parsed in a worker thread (the event loop keeps answering ``/v1/health``)
   and validated with the route's model; anything malformed is ``422 validation_failed``.

The limit is ``create_app(max_body_bytes=…)``, else ``$HQ_MAX_BODY_BYTES``, else 8 MiB: a
batch of 500 ordinary operations is about 0.3 MB and the counter keeps its batches under
4 MiB (``counter.sync.push.MAX_BATCH_BYTES``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from pydantic import ValidationError as ModelError
from starlette.concurrency import run_in_threadpool

from hq.api_errors import APIError
from hq.auth import authenticated_store
from hq.stores import StoreIdentity

DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_BODY_ENV = "HQ_MAX_BODY_BYTES"
CLOSE = {"Connection": "close"}

Model = TypeVar("Model", bound=BaseModel)


def max_body_bytes(configured: int | None = None) -> int:
    """The limit: as configured, else from the environment, else the default."""
    if configured is not None:
        if configured < 1:
            raise ValueError("the body limit is a positive number of bytes")
        return configured
    text = os.environ.get(MAX_BODY_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_BODY_BYTES
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{MAX_BODY_ENV} must be a number of bytes, not {text!r}") from None
    return max_body_bytes(value)


def _too_large(limit: int) -> APIError:
    return APIError(
        413,
        "body_too_large",
        f"the request body is larger than HQ takes ({limit} bytes); send fewer operations",
        {"limit_bytes": limit},
        headers=CLOSE,
    )


async def read_body(request: Request, limit: int) -> bytes:
    """The body, or 413 as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise APIError(400, "bad_request", "Content-Length is not a number", headers=CLOSE)
        if int(declared) > limit:
            raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _invalid(errors: list[dict[str, Any]]) -> RequestValidationError:
    return RequestValidationError(errors)


def _parse(body: bytes) -> Any:
    return json.loads(body)


def json_body(model: type[Model]) -> Callable[..., Awaitable[Model]]:
    """A dependency giving the request's body as ``model``, read after authentication."""

    async def dependency(
        request: Request,
        _store: Annotated[StoreIdentity, Depends(authenticated_store)],
    ) -> Model:
        body = await read_body(request, int(request.app.state.max_body_bytes))
        try:
            value = await run_in_threadpool(_parse, body)
        except (ValueError, RecursionError):  # not JSON, not UTF-8, nested beyond reason
            raise _invalid(
                [{"type": "json_invalid", "loc": ("body",), "msg": "JSON decode error"}]
            ) from None
        try:
            return model.model_validate(value)
        except ModelError as exc:
            raise _invalid(
                [
                    {"type": e["type"], "loc": ("body", *e["loc"]), "msg": e["msg"]}
                    for e in exc.errors(include_input=False)
                ]
            ) from None

    return dependency
