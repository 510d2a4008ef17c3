"""The FastAPI application behind ``/api/v1``."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from socialmuse.api.links import router as links_router
from socialmuse.api.media import router as media_router
from socialmuse.api.oauth import router as oauth_router
from socialmuse.db import session_scope
from socialmuse.services import health


def build_api() -> FastAPI:
    """Routes carry their full ``/api/v1`` prefix so the app can be mounted at the root."""
    api = FastAPI(
        title="SocialMuse API",
        version="1",
        docs_url="/api/v1/docs",
        openapi_url="/api/v1/openapi.json",
        redoc_url=None,
    )

    @api.get("/api/v1/health", response_model=health.Health)
    def get_health() -> JSONResponse:
        """Liveness and dependencies: 200 when all answer, 503 otherwise (for load balancers)."""
        with session_scope() as session:
            result = health.check(session)
        code = 200 if result.status == "ok" else 503
        return JSONResponse(result.model_dump(), status_code=code)

    api.include_router(oauth_router)
    api.include_router(links_router)
    api.include_router(media_router)
    return api
