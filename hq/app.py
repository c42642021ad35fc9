"""The HQ web application: ``create_app(db_url)`` gives a ready FastAPI app."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from sqlalchemy.engine import Engine

from counter.contract import CONTRACT_VERSION
from hq.api import router
from hq.api_errors import install_error_handlers
from hq.body import max_body_bytes as body_limit
from hq.db import EngineOrURL, init_db
from hq.middleware import RequestContextMiddleware
from hq.openapi import refine


def create_app(db_url: EngineOrURL, *, max_body_bytes: int | None = None) -> FastAPI:
    """An app over ``db_url`` (a URL, or an engine the caller keeps owning).

    Creates missing tables at once, so a bad URL fails here and not on the first request.
    ``max_body_bytes``: the largest request body taken (default: :mod:`hq.body`).
    """
    owned = not isinstance(db_url, Engine)
    limit = body_limit(max_body_bytes)
    engine = init_db(db_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            engine.dispose()

    app = FastAPI(
        title="Member Counter HQ",
        version=CONTRACT_VERSION,
        summary="Reference HQ server for the member counter (API v1)",
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.max_body_bytes = limit
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware)
    app.include_router(router)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
        )
        refine(schema)
        app.openapi_schema = schema
    return app.openapi_schema


def openapi_document() -> str:
    """The OpenAPI document as committed in docs/hq-api-v1.json: sorted keys, indented."""
    app = create_app("sqlite://")
    try:
        return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    finally:
        app.state.engine.dispose()
