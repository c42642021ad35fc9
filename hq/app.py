"""The HQ web application: ``create_app(db_url)`` gives a ready FastAPI app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from hq import API_VERSION
from hq.api import router
from hq.api_errors import install_error_handlers
from hq.db import EngineOrURL, init_db
from hq.middleware import RequestContextMiddleware


def create_app(db_url: EngineOrURL) -> FastAPI:
    """An app over ``db_url`` (a URL, or an engine the caller keeps owning).

    Creates missing tables at once, so a bad URL fails here and not on the first request.
    """
    owned = not isinstance(db_url, Engine)
    engine = init_db(db_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            engine.dispose()

    app = FastAPI(
        title="Member Counter HQ",
        version=API_VERSION,
        summary="Reference HQ server for the member counter (API v1)",
        lifespan=lifespan,
    )
    app.state.engine = engine
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware)
    app.include_router(router)
    return app
