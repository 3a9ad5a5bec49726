"""Sign-in, sign-out and the stylesheet: the console's only public routes besides sign-in.

Sign-in attempts are limited per client address; the password check runs in the console's
own hash threads outside any transaction (`auth.PasswordHashes`), with short transactions
around it for the audit log, and a sign-in beyond the hash queue is answered 503 at once.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy import Connection, Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response

from web.console.config import ConsoleConfig
from web.console.guard import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    SourceLockout,
    base,
    config_of,
    delete_cookie,
    engine_of,
    protected,
    set_cookie,
)
from web.console.services import audit, auth
from web.console.services.auth import Session
from web.console.views import render

STATIC = Path(__file__).resolve().parent.parent / "static"
TOO_MANY_SIGN_INS = "Too many sign-in attempts from your address. Wait a minute and try again."
BUSY = "Too many sign-ins are being checked right now. Wait a few seconds and try again."


def _login_form(request: Request, error: str = "", status: int = 200) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(
        "login.html",
        status_code=status,
        base=base(request),
        login_csrf=token,
        error=error,
    )
    set_cookie(request, response, LOGIN_CSRF_COOKIE, token)  # a new one with every sign-in form
    return response


async def login_page(request: Request) -> Response:
    return _login_form(request)


def _failed(engine: Engine, error: auth.AuthError) -> None:
    target = "" if error.user_id is None else f"user:{error.user_id}"
    with engine.begin() as conn:
        audit.record(conn, audit.NOBODY, "login_failed", target)


def _start(engine: Engine, user: auth.User, config: ConsoleConfig) -> str:
    with engine.begin() as conn:
        audit.record(conn, user.username, "login", f"user:{user.id}")
        return auth.start_session(conn, user, config)


async def _sign_in(request: Request, username: str, password: str) -> str | None:
    """A new session token, or None; audited without anything the person typed.
    Raises `auth.Busy` when too many sign-ins are being checked."""
    config, engine = config_of(request), engine_of(request)
    lockout: SourceLockout = request.app.state.source_lockout
    locked = lockout.locked(request, username)
    try:
        user = await auth.authenticate(engine, username, password, config, source_locked=locked)
    except auth.AuthError as error:
        if not locked:
            lockout.failed(request, username)
        await run_in_threadpool(_failed, engine, error)
        return None
    lockout.succeeded(request, username)
    return await run_in_threadpool(_start, engine, user, config)


async def login(request: Request) -> Response:
    if not request.app.state.login_limiter.allow(request):
        return _login_form(request, TOO_MANY_SIGN_INS, status=429)
    async with request.form(max_files=0, max_fields=10) as data:
        form = {k: v for k, v in data.items() if isinstance(v, str)}
    if not auth.csrf_ok(request.cookies.get(LOGIN_CSRF_COOKIE, ""), form.get("csrf_token")):
        return PlainTextResponse("Invalid or missing CSRF token.", 403)
    username = form.get("username", "").strip()[:64]
    password = form.get("password", "")[:1024]
    try:
        token = await _sign_in(request, username, password)
    except auth.Busy:
        response = _login_form(request, BUSY, status=503)
        response.headers["Retry-After"] = "5"
        return response
    if token is None:
        return _login_form(request, auth.SIGN_IN_FAILED, status=401)
    response = RedirectResponse(f"{base(request)}/", 303)
    set_cookie(request, response, SESSION_COOKIE, token)  # ends with the browser or the session
    delete_cookie(request, response, LOGIN_CSRF_COOKIE)
    return response


@protected()
def logout(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    auth.end_session(conn, request.cookies.get(SESSION_COOKIE))
    audit.record(conn, session.user.username, "logout")
    response = RedirectResponse(f"{base(request)}/login", 303)
    delete_cookie(request, response, SESSION_COOKIE)
    return response


async def stylesheet(request: Request) -> Response:
    return FileResponse(STATIC / "console.css", media_type="text/css")
