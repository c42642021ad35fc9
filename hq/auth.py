"""The store behind a request: ``Authorization: Bearer <store token>`` (DESIGN §3).

Routes declare ``store: Annotated[StoreIdentity, Depends(authenticated_store)]``. A missing
or unknown token is a 401 in the contract's error format, which the counter reads as
"nothing was decided" and shows as a token problem rather than retrying blindly.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, cast

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine

from hq.api_errors import APIError
from hq.stores import StoreIdentity, store_for_token, touch_store
from hq.times import utcnow

# Writing last_contact_at on every request would make every read a write; once a minute
# is plenty for "when did this store last talk to us".
CONTACT_RESOLUTION = dt.timedelta(minutes=1)

_bearer = HTTPBearer(auto_error=False, description="the store's token, from `hq store add`")
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def get_engine(request: Request) -> Engine:
    return cast(Engine, request.app.state.engine)


def _unread(request: Request, headers: dict[str, str]) -> dict[str, str]:
    """Refusing a request whose body is still unread: close, rather than drain it."""
    declared = request.headers.get("content-length", "0").strip()
    if declared not in ("", "0") or "transfer-encoding" in request.headers:
        return {**headers, "Connection": "close"}
    return headers


def authenticated_store(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> StoreIdentity:
    if credentials is None:
        raise APIError(
            401,
            "unauthorized",
            "send the store's token as 'Authorization: Bearer <token>'",
            headers=_unread(request, _CHALLENGE),
        )
    engine = get_engine(request)
    with engine.connect() as conn:
        contact = store_for_token(conn, credentials.credentials)
    if contact is None:
        raise APIError(
            401,
            "invalid_token",
            "this store token is not known to HQ",
            headers=_unread(request, {"WWW-Authenticate": 'Bearer error="invalid_token"'}),
        )
    now = utcnow()
    if contact.last_contact_at is None or now - contact.last_contact_at >= CONTACT_RESOLUTION:
        with engine.begin() as conn:
            touch_store(conn, contact.store.code, now)
    return contact.store
