"""Every HTTP error in the contract's one shape (DESIGN §3).

``{"error": {"code": "snake_case", "message": "...", "details": {...}}}``, whether the
error is ours (:class:`APIError`), the framework's (unknown route, wrong method, invalid
input) or a bug (500, handled in :mod:`hq.middleware`). Clients branch on ``code``, never on
the message text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException


class APIError(Exception):
    """An answer HQ decides to give as an HTTP error, with a stable ``code``."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        self.headers = headers


def error_response(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return JSONResponse(body, status_code=status, headers=headers)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def code_for_status(status: int) -> str:
    """``404`` → ``not_found``: the status phrase in snake case."""
    phrase = _phrase(status)
    return re.sub(r"[^a-z0-9]+", "_", phrase.lower()).strip("_") or "http_error"


async def _api_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, APIError)
    return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    details: dict[str, Any] = {}
    default_phrase = _phrase(status)
    message = exc.detail if isinstance(exc.detail, str) else default_phrase
    if status in (HTTPStatus.NOT_FOUND, HTTPStatus.METHOD_NOT_ALLOWED) and (
        message == default_phrase
    ):
        # The router's own "no such route": say which request found nothing.
        details = {"method": request.method, "path": request.url.path}
        if status == HTTPStatus.NOT_FOUND:
            message = f"no such endpoint: {request.method} {request.url.path}"
        else:
            message = f"{request.method} is not allowed on {request.url.path}"
    return error_response(status, code_for_status(status), message, details, exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    # Only location, message and type: pydantic's "input" would echo personal data back.
    errors = [
        {
            "loc": [part if isinstance(part, int) else str(part) for part in err.get("loc", ())],
            "message": str(err.get("msg", "")),
            "type": str(err.get("type", "")),
        }
        for err in exc.errors()
    ]
    return error_response(
        HTTPStatus.UNPROCESSABLE_ENTITY,
        "validation_failed",
        "the request does not match the API contract",
        {"errors": errors},
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(APIError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(RequestValidationError, _validation_error)
