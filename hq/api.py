"""The v1 routes (DESIGN §3). Health now; members, ops and complaints come with sync."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from hq import API_VERSION
from hq.auth import authenticated_store, get_engine
from hq.db import get_epoch
from hq.schemas import Health, StoreInfo
from hq.stores import StoreIdentity
from hq.times import rfc3339, utcnow

router = APIRouter(prefix="/v1")


@router.get("/health")
def health(request: Request, response: Response) -> Health:
    """Liveness, HQ's clock (counters compare it with theirs) and the data's epoch."""
    with get_engine(request).connect() as conn:
        epoch = get_epoch(conn) or ""
    response.headers["Cache-Control"] = "no-store"
    return Health(server_time=rfc3339(utcnow()), epoch=epoch, api_version=API_VERSION)


@router.get("/store")
def current_store(store: Annotated[StoreIdentity, Depends(authenticated_store)]) -> StoreInfo:
    """Which store the token belongs to: lets a counter check its setup."""
    return StoreInfo(code=store.code, name=store.name)
