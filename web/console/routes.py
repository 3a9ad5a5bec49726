"""The console's HTTP routes: thin handlers that parse, call a function, render.

Every route except the sign-in page and the stylesheet needs a live session;
every POST needs the session's CSRF token; admin-only routes check the role.
Database work runs in a worker thread inside one transaction per request (sign-in:
short ones around the password check, which runs outside any transaction). Sign-in
attempts are limited per client address; headers come from `web.security`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import quote

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import Connection, Engine, select
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from web.console import audit, auth, corrections, exports, reviews, topics
from web.console.auth import Session
from web.console.config import ConsoleConfig
from web.console.conversations import load_conversation, load_conversations
from web.console.db import make_engine
from web.console.filters import apply_filters, paginate, parse_filters
from web.console.messages import FLAGS
from web.console.tables import events
from web.console.views import render
from web.security import SecurityHeadersMiddleware, TrustedProxies, client_address, console_headers, is_https

SESSION_COOKIE = "console_session"
LOGIN_CSRF_COOKIE = "console_login_csrf"
STATIC = Path(__file__).resolve().parent / "static"
Handler = Callable[[Request, Connection, Session, dict[str, str]], Response]

TOO_MANY_SIGN_INS = "Too many sign-in attempts from your address. Wait a minute and try again."


class LoginRateLimiter:
    """A moving-window limit on sign-in attempts per client address (``limits``)."""

    def __init__(self, rate: str, proxies: TrustedProxies) -> None:
        self.item = parse(rate)
        self.proxies = proxies
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def allow(self, request: Request) -> bool:
        return self._limiter.hit(self.item, "console-login", client_address(request, self.proxies))


def _base(request: Request) -> str:
    return request.scope.get("root_path", "").rstrip("/")


def _state(request: Request) -> tuple[ConsoleConfig, Engine]:
    return request.app.state.config, request.app.state.engine


def _choices(request: Request) -> list[str]:
    if request.app.state.choices is None:
        request.app.state.choices = topics.correction_choices()
    return request.app.state.choices


def _faq_keys(request: Request) -> list[str]:
    return [c.split("/", 1)[1] for c in _choices(request) if c.startswith("faq/")]


def _sender_exists(conn: Connection, sender_id: str) -> bool:
    query = select(events.c.id).where(events.c.sender_id == sender_id).limit(1)
    return conn.execute(query).first() is not None


def _conversation_url(request: Request, sender_id: str) -> str:
    return f"{_base(request)}/conversations/{quote(sender_id, safe='')}"


def protected(admin: bool = False) -> Callable[[Handler], Callable[[Request], Any]]:
    """Wrap a handler: session required, CSRF checked on POST, role checked."""

    def decorate(handler: Handler) -> Callable[[Request], Any]:
        @wraps(handler)
        async def endpoint(request: Request) -> Response:
            form: dict[str, str] = {}
            if request.method == "POST":
                async with request.form(max_files=0, max_fields=20) as data:
                    form = {k: v for k, v in data.items() if isinstance(v, str)}

            def run() -> Response:
                config, engine = _state(request)
                with engine.begin() as conn:
                    token = request.cookies.get(SESSION_COOKIE)
                    session = auth.load_session(conn, token, config)
                    if session is None:
                        if request.method == "GET":
                            return RedirectResponse(f"{_base(request)}/login", 303)
                        return PlainTextResponse("Sign in first.", 401)
                    if request.method == "POST" and not auth.csrf_ok(
                        session.csrf_token, form.get("csrf_token")
                    ):
                        return PlainTextResponse("Invalid or missing CSRF token.", 403)
                    if admin and not session.user.is_admin:
                        audit.record(conn, session.user.username, "denied", request.url.path)
                        return PlainTextResponse("Admins only.", 403)
                    return handler(request, conn, session, form)

            return await run_in_threadpool(run)

        return endpoint

    return decorate


def _page(request: Request, session: Session, name: str, **context: Any) -> Response:
    return render(
        name,
        base=_base(request),
        user=session.user,
        csrf_token=session.csrf_token,
        **context,
    )


# -- sign-in ---------------------------------------------------------------


def _secure(request: Request) -> bool:
    """Cookies are Secure on HTTPS (directly or via a trusted proxy) or when configured."""
    config, _ = _state(request)
    return config.cookie_secure or is_https(request, request.app.state.proxies)


def _set_cookie(request: Request, response: Response, name: str, value: str, age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=age,
        path=_base(request) or "/",
        httponly=True,
        secure=_secure(request),
        samesite="strict",
    )


def _delete_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(
        name, path=_base(request) or "/", httponly=True, secure=_secure(request), samesite="strict"
    )


def _login_form(request: Request, error: str = "", status: int = 200) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(
        "login.html",
        status_code=status,
        base=_base(request),
        login_csrf=token,
        error=error,
    )
    _set_cookie(request, response, LOGIN_CSRF_COOKIE, token, 3600)
    return response


async def login_page(request: Request) -> Response:
    return _login_form(request)


def _sign_in(request: Request, username: str, password: str) -> str | None:
    """A new session token, or None; audited without anything the person typed."""
    config, engine = _state(request)
    try:
        user = auth.authenticate(engine, username, password, config)
    except auth.AuthError as error:
        target = "" if error.user_id is None else f"user:{error.user_id}"
        with engine.begin() as conn:
            audit.record(conn, audit.NOBODY, "login_failed", target)
        return None
    with engine.begin() as conn:
        audit.record(conn, user.username, "login", f"user:{user.id}")
        return auth.start_session(conn, user, config)


async def login(request: Request) -> Response:
    if not request.app.state.login_limiter.allow(request):
        return _login_form(request, TOO_MANY_SIGN_INS, status=429)
    async with request.form(max_files=0, max_fields=10) as data:
        form = {k: v for k, v in data.items() if isinstance(v, str)}
    if not auth.csrf_ok(request.cookies.get(LOGIN_CSRF_COOKIE, ""), form.get("csrf_token")):
        return PlainTextResponse("Invalid or missing CSRF token.", 403)
    username = form.get("username", "").strip()[:64]
    password = form.get("password", "")[:1024]
    token = await run_in_threadpool(_sign_in, request, username, password)
    if token is None:
        return _login_form(request, auth.SIGN_IN_FAILED, status=401)
    config, _ = _state(request)
    response = RedirectResponse(f"{_base(request)}/", 303)
    _set_cookie(request, response, SESSION_COOKIE, token, config.session_minutes * 60)
    _delete_cookie(request, response, LOGIN_CSRF_COOKIE)
    return response


@protected()
def logout(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    auth.end_session(conn, request.cookies.get(SESSION_COOKIE))
    audit.record(conn, session.user.username, "logout")
    response = RedirectResponse(f"{_base(request)}/login", 303)
    _delete_cookie(request, response, SESSION_COOKIE)
    return response


async def stylesheet(request: Request) -> Response:
    return FileResponse(STATIC / "console.css", media_type="text/css")


# -- conversations -----------------------------------------------------------


def _filtered(request: Request, conn: Connection) -> tuple[Any, list]:
    config, _ = _state(request)
    filters = parse_filters(request.query_params, _faq_keys(request))
    found = apply_filters(load_conversations(conn, config.low_confidence), filters)
    return filters, found


@protected()
def conversation_list(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    config, _ = _state(request)
    filters, found = _filtered(request, conn)
    page = paginate(found, filters.page, config.page_size)
    audit.record(conn, session.user.username, "view_list", detail=audit.filter_names(request.query_params))
    return _page(
        request, session, "list.html", page=page, filters=filters, flags=FLAGS,
        topics=_faq_keys(request), quote=quote,
    )  # fmt: skip


@protected()
def conversation_detail(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    config, _ = _state(request)
    sender_id = request.path_params["sender_id"]
    conversation = load_conversation(conn, sender_id, config.low_confidence)
    if conversation is None:
        return PlainTextResponse("No such conversation.", 404)
    audit.record(conn, session.user.username, "view_conversation", sender_id)
    return _page(
        request,
        session,
        "conversation.html",
        conversation=conversation,
        notes=reviews.notes_for(conn, sender_id),
        corrected=corrections.corrections_by_event(conn, sender_id),
        choices=_choices(request),
        message=request.query_params.get("message", "")[:200],
    )


def _back(request: Request, sender_id: str, message: str = "") -> Response:
    url = _conversation_url(request, sender_id)
    if message:
        url += "?message=" + quote(message)
    return RedirectResponse(url, 303)


@protected()
def mark_reviewed(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    sender_id = form.get("sender_id", "")
    if not _sender_exists(conn, sender_id):
        return PlainTextResponse("No such conversation.", 404)
    reviewed = form.get("reviewed", "1") == "1"
    reviews.set_reviewed(conn, sender_id, reviewed, session.user.username)
    action = "mark_reviewed" if reviewed else "mark_unreviewed"
    audit.record(conn, session.user.username, action, sender_id)
    return _back(request, sender_id)


@protected()
def tag(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    sender_id = form.get("sender_id", "")
    if not _sender_exists(conn, sender_id):
        return PlainTextResponse("No such conversation.", 404)
    value = form.get("tag", "")
    if form.get("remove") == "1":
        reviews.remove_tag(conn, sender_id, value)
        audit.record(conn, session.user.username, "remove_tag", sender_id)
        return _back(request, sender_id)
    try:
        value = reviews.add_tag(conn, sender_id, value, session.user.username)
    except ValueError as error:
        return _back(request, sender_id, str(error))
    audit.record(conn, session.user.username, "add_tag", sender_id)
    return _back(request, sender_id)


@protected()
def note(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    sender_id = form.get("sender_id", "")
    if not _sender_exists(conn, sender_id):
        return PlainTextResponse("No such conversation.", 404)
    try:
        reviews.add_note(conn, sender_id, form.get("note", ""), session.user.username)
    except ValueError as error:
        return _back(request, sender_id, str(error))
    audit.record(conn, session.user.username, "add_note", sender_id)
    return _back(request, sender_id)


def _event_id(form: dict) -> int | None:
    raw = form.get("event_id", "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


@protected()
def correct(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    event_id = _event_id(form)
    if event_id is None:
        return PlainTextResponse("No such message.", 404)
    intent = form.get("intent", "")
    try:
        sender_id = corrections.correct(conn, event_id, intent, _choices(request), session.user.username)
    except LookupError:
        return PlainTextResponse("No such message.", 404)
    except ValueError as error:
        return PlainTextResponse(str(error), 400)
    audit.record(conn, session.user.username, "correct", f"event:{event_id}", intent)
    return _back(request, sender_id, "Correction saved.")


@protected(admin=True)
def reveal(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    event_id = _event_id(form)
    row = None
    if event_id is not None:
        query = select(events).where(events.c.id == event_id, events.c.type_name == "user")
        row = conn.execute(query).first()
    if row is None:
        return PlainTextResponse("No such message.", 404)
    from web.console.messages import parse_user

    message = parse_user(dict(row._mapping), low_confidence=0.0)
    audit.record(conn, session.user.username, "reveal", f"event:{event_id}", row.sender_id)
    return _page(request, session, "reveal.html", message=message, quote=quote)


# -- exports and audit -------------------------------------------------------


@protected()
def export_csv(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    _, found = _filtered(request, conn)
    names = audit.filter_names(request.query_params)
    audit.record(conn, session.user.username, "export_csv", detail=f"{names} conversations={len(found)}")
    return Response(
        exports.conversations_csv(found),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="conversations.csv"'},
    )


@protected()
def export_corrections(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    found = corrections.all_corrections(conn)
    audit.record(conn, session.user.username, "export_nlu", detail=f"corrections={len(found)}")
    return Response(
        exports.nlu_yaml(found),
        media_type="application/x-yaml; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="console_corrections.yml"'},
    )


@protected(admin=True)
def audit_page(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    raw = request.query_params.get("page", "1")
    number = max(1, min(int(raw), 100_000)) if raw.isdigit() else 1
    entries = audit.entries(conn, limit=100, offset=(number - 1) * 100)
    audit.record(conn, session.user.username, "view_audit", detail=f"page={number}")
    total = audit.count(conn)
    return _page(
        request, session, "audit.html", entries=entries, number=number,
        has_next=number * 100 < total,
    )  # fmt: skip


ROUTES = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/console.css", stylesheet, methods=["GET"]),
    Route("/", conversation_list, methods=["GET"]),
    Route("/conversations/{sender_id:path}", conversation_detail, methods=["GET"]),
    Route("/review", mark_reviewed, methods=["POST"]),
    Route("/tags", tag, methods=["POST"]),
    Route("/notes", note, methods=["POST"]),
    Route("/correct", correct, methods=["POST"]),
    Route("/reveal", reveal, methods=["POST"]),
    Route("/export.csv", export_csv, methods=["GET"]),
    Route("/corrections.yml", export_corrections, methods=["GET"]),
    Route("/audit", audit_page, methods=["GET"]),
]
PUBLIC_PATHS = ("/login", "/console.css")


def create_console(settings: Any = None, engine: Engine | None = None) -> Starlette:
    """The console as an ASGI app to mount under ``/console``.

    ``settings`` is the web app's settings object (``database_url`` and optional
    ``console_*`` fields) or a ``ConsoleConfig``; by default it is loaded.
    """
    if isinstance(settings, ConsoleConfig):
        config = settings
    elif settings is None:
        from web.console.config import load_config

        config = load_config()
    else:
        config = ConsoleConfig.from_settings(settings)
    proxies = TrustedProxies(config.trusted_proxies)
    headers = Middleware(SecurityHeadersMiddleware, default=console_headers(), trusted_proxies=proxies)
    app = Starlette(routes=ROUTES, middleware=[headers])
    app.state.config = config
    app.state.engine = engine or make_engine(config.database_url)
    app.state.choices = None
    app.state.proxies = proxies
    app.state.login_limiter = LoginRateLimiter(config.login_rate_limit, proxies)
    return app
