"""The web app factory, served by `python -m web.serve` (never bare uvicorn: see web/serve.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from assistant.settings import Settings, get_settings
from web import pages
from web.access_log import AccessLogMiddleware, drop_uvicorn_access_log
from web.chat import routes as chat_routes
from web.chat.conversation_ids import ConversationIds
from web.chat.rasa_client import RasaClient
from web.chat.ratelimit import ClientRateLimiter
from web.console.alerts.worker import AlertWorker
from web.console.app import BODY_CAP as CONSOLE_BODY_CAP
from web.console.app import create_console
from web.console.config import ConsoleConfig
from web.errors import UnexpectedErrorMiddleware, install_error_handlers
from web.security import (
    CONSOLE_PREFIX,
    BodySizeLimitMiddleware,
    SecurityHeadersMiddleware,
    TrustedProxies,
    console_headers,
    security_headers,
    widget_module_headers,
)
from web.settings import WebSettings, get_web_settings

STATIC_DIR = Path(__file__).parent / "static"
WIDGET_PREFIX = "/static/widget"
logger = logging.getLogger(__name__)


def _conversation_ids(settings: WebSettings) -> ConversationIds:
    secret = settings.conversation_secret.get_secret_value()
    if secret:
        return ConversationIds(secret)
    logger.info(
        "CRS_CONVERSATION_SECRET is not set: conversation tokens last until this gateway stops "
        "(set one shared secret for several gateways)"
    )
    return ConversationIds.ephemeral()


def _lifespan(settings: WebSettings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The gateway's one Rasa client, opened at start-up and closed at shutdown, and the
    console's staff-alert worker (when the console is here and alerts are on) beside it."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.rasa = RasaClient(
            settings.rasa_url,
            settings.rasa_timeout_seconds,
            settings.health_timeout_seconds,
        )
        worker: AlertWorker | None = app.state.alert_worker
        alerts = asyncio.create_task(worker.run(), name="staff-alerts") if worker else None
        try:
            yield
        finally:
            if alerts is not None:
                alerts.cancel()
                with suppress(asyncio.CancelledError):
                    await alerts
            await app.state.rasa.aclose()

    return lifespan


def _mount_console(app: FastAPI, settings: WebSettings, shared: Settings) -> None:
    """The staff console, mounted under /console here when enabled, with its alert worker
    when CRS_URGENT_WEBHOOK_URL is set (started by the lifespan)."""
    app.state.alert_worker = None
    if settings.urgent_webhook_url and not settings.console_enabled:
        logger.warning("CRS_URGENT_WEBHOOK_URL is set here, but alerts are sent by the console's process")
    if settings.console_enabled:
        config = ConsoleConfig.from_settings(settings, shared)
        console = create_console(config)
        # Inside the console's own last resort, which would answer a plain-text 500 first.
        console.add_middleware(UnexpectedErrorMiddleware, shared=shared)
        app.mount(CONSOLE_PREFIX, console)
        if config.alerts_on:
            app.state.alert_worker = AlertWorker(console.state.engine, config)


def _add_outer_middleware(app: FastAPI, settings: WebSettings, proxies: TrustedProxies) -> None:
    """Outermost last: body cap before anything reads the body; headers on every response."""
    if settings.allowed_origin_list:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.allowed_origin_list,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
        )
    # The console's forms have their own cap (a 4000-character note is bigger than a chat message).
    console_cap = {CONSOLE_PREFIX: CONSOLE_BODY_CAP} if settings.console_enabled else None
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes, by_prefix=console_cap)
    # One owner of security headers: the page's policy, the console's always unframable.
    app.add_middleware(
        SecurityHeadersMiddleware,
        default=security_headers(settings.frame_ancestors),
        by_prefix={
            CONSOLE_PREFIX: console_headers(),
            WIDGET_PREFIX: widget_module_headers(settings.frame_ancestors),
        },
        trusted_proxies=proxies,
    )
    # The access log without query strings or conversation ids; uvicorn's own line is dropped.
    app.add_middleware(AccessLogMiddleware)
    drop_uvicorn_access_log()


def create_app(settings: WebSettings | None = None, shared: Settings | None = None) -> FastAPI:
    """The gateway. Its configuration is read here, once: `settings` (CRS_* of the web
    process) and `shared` (the deployment settings shared with the bot), each from the
    environment when not given. Handlers get them from ``app.state`` through the
    dependencies in `web.settings`."""
    settings = settings or get_web_settings()
    shared = shared or get_settings()
    proxies = TrustedProxies(settings.trusted_proxies)
    app = FastAPI(
        title="CRS assistant web gateway",
        lifespan=_lifespan(settings),
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.web_settings = settings
    app.state.shared_settings = shared
    app.state.rate_limiter = ClientRateLimiter(
        settings.rate_limit,
        settings.rate_limit_enabled,
        proxies,
        new_conversations=settings.new_conversation_rate,
        conversation_length=settings.conversation_message_limit,
    )
    app.state.conversation_ids = _conversation_ids(settings)
    install_error_handlers(app, shared)  # first: its error middleware is the innermost

    app.include_router(pages.router)
    app.include_router(chat_routes.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _mount_console(app, settings, shared)
    _add_outer_middleware(app, settings, proxies)
    return app
