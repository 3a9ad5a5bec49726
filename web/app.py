"""The web app factory: `uvicorn web.app:create_app --factory`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from web import pages
from web.chat import routes as chat_routes
from web.chat.rasa_client import RasaClient
from web.chat.ratelimit import ClientRateLimiter
from web.console.routes import create_console
from web.errors import install_error_handlers
from web.security import BodySizeLimitMiddleware, SecurityHeadersMiddleware
from web.settings import WebSettings, get_web_settings

STATIC_DIR = Path(__file__).parent / "static"


def create_app(settings: WebSettings | None = None) -> FastAPI:
    settings = settings or get_web_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.rasa = RasaClient(
            settings.rasa_url,
            settings.rasa_timeout_seconds,
            settings.health_timeout_seconds,
        )
        try:
            yield
        finally:
            await app.state.rasa.aclose()

    app = FastAPI(
        title="CRS assistant web gateway",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.web_settings = settings
    app.state.rate_limiter = ClientRateLimiter(
        settings.rate_limit, settings.rate_limit_enabled, settings.trust_proxy_headers
    )
    install_error_handlers(app)

    app.include_router(pages.router)
    app.include_router(chat_routes.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    # Staff console (issue 4): one guarded line mounts it under /console here.
    if settings.console_enabled:
        app.mount("/console", create_console(settings))

    # Outermost last: body cap before anything reads the body; headers on every response.
    if settings.allowed_origin_list:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.allowed_origin_list,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
        )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware, frame_ancestors=settings.frame_ancestors)
    return app
