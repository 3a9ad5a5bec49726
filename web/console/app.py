"""The staff console as an ASGI app: which handler serves which URL, and its factory.

`web.app.create_app` mounts it under ``/console`` with a `ConsoleConfig` built from the
web process's settings. Handlers live in `web.console.handlers`, one module per resource;
sessions, CSRF and roles in `web.console.guard`; headers come from `web.security`.
"""

from __future__ import annotations

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from web.console.config import ConsoleConfig
from web.console.db import make_engine
from web.console.guard import LoginRateLimiter, SourceLockout
from web.console.handlers import audit, auth, conversations, exports, insights, reveal
from web.console.services.reviews import MAX_NOTE_FORM_BYTES, NOTE_FORM_TOO_LARGE
from web.security import BodyCap, SecurityHeadersMiddleware, TrustedProxies, console_headers

ROUTES = [
    Route("/login", auth.login_page, methods=["GET"]),
    Route("/login", auth.login, methods=["POST"]),
    Route("/logout", auth.logout, methods=["POST"]),
    Route("/console.css", auth.stylesheet, methods=["GET"]),
    Route("/", conversations.review_queue, methods=["GET"]),
    Route("/conversations", conversations.conversation_list, methods=["GET"]),
    Route("/conversations/{sender_id:path}", conversations.conversation_detail, methods=["GET"]),
    Route("/review", conversations.mark_reviewed, methods=["POST"]),
    Route("/tags", conversations.tag, methods=["POST"]),
    Route("/notes", conversations.note, methods=["POST"]),
    Route("/correct", conversations.correct, methods=["POST"]),
    Route("/reveal", reveal.reveal, methods=["POST"]),
    Route("/export.csv", exports.export_csv, methods=["GET"]),
    Route("/corrections.yml", exports.export_corrections, methods=["GET"]),
    Route("/audit", audit.audit_page, methods=["GET"]),
    Route("/insights", insights.insights_page, methods=["GET"]),
    Route("/insights.csv", insights.insights_csv, methods=["GET"]),
]
PUBLIC_PATHS = ("/login", "/console.css")
# The gateway's body cap for /console: room for the largest form-valid note, percent-encoded.
BODY_CAP = BodyCap(MAX_NOTE_FORM_BYTES, NOTE_FORM_TOO_LARGE)


def create_console(config: ConsoleConfig, engine: Engine | None = None) -> Starlette:
    """The console as an ASGI app to mount under ``/console``, with the settings the
    caller built (``ConsoleConfig.from_settings``) and, in tests, an engine."""
    proxies = TrustedProxies(config.trusted_proxies)
    headers = Middleware(SecurityHeadersMiddleware, default=console_headers(), trusted_proxies=proxies)
    app = Starlette(routes=ROUTES, middleware=[headers])
    app.state.config = config
    app.state.engine = engine or make_engine(config.database_url)
    app.state.choices = None
    app.state.proxies = proxies
    app.state.login_limiter = LoginRateLimiter(config.login_rate_limit, proxies)
    app.state.source_lockout = SourceLockout(config, proxies)
    return app
