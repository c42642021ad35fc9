"""Request ids on every response, and unexpected errors turned into a plain 500.

This sits outside the framework's exception handling, so it sees every response: the
routes' answers, the contract errors, and the 500 it writes itself when a bug escapes. The
id comes from the client's ``X-Request-Id`` when that looks sane (so a counter can match its
log to ours), otherwise it is made here; it is logged with every unexpected error.
"""

from __future__ import annotations

import logging
import re

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from counter.ids import uuid7
from hq.api_errors import error_response

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-Id"
# Printable ASCII without spaces, bounded: it ends up in logs and in our answer.
_SANE_ID = re.compile(r"^[!-~]{1,128}$")


def request_id_of(scope: Scope) -> str:
    """The id this request is known by (set by :class:`RequestContextMiddleware`)."""
    state = scope.get("state") or {}
    return str(state.get("request_id", ""))


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope).get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SANE_ID.match(incoming) else uuid7()
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception(
                "unexpected error in %s %s (request %s)",
                scope.get("method"),
                scope.get("path"),
                request_id,
            )
            if started:
                return  # the answer is half sent; the server closes the connection
            response = error_response(
                500,
                "internal_error",
                "HQ hit an unexpected error; nothing was decided, try again later",
                {"request_id": request_id},
            )
            await response(scope, receive, send_with_id)
