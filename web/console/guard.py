"""What stands in front of every console handler: sessions, CSRF, roles, sign-in limits.

Every route except the sign-in page and the stylesheet needs a live session; every POST
needs the session's CSRF token; admin-only routes check the role (`protected`). The summary
is caught up only for a live session, after the cookie is checked. Database work runs in a
worker thread inside one transaction per request. The console's settings
(`ConsoleConfig`) and engine are on the console app's state, set by `create_console`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from limits import RateLimitItemPerMinute, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import Connection, Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from web.console.config import ConsoleConfig
from web.console.services import audit, auth, listing, summary
from web.console.services.auth import Session
from web.console.views import render
from web.security import TrustedProxies, client_network, is_https

logger = logging.getLogger(__name__)
SESSION_COOKIE = "console_session"
# Events summarised before a page is read: the summary is current at steady state, and a
# backlog (e.g. after an upgrade) is caught up a batch per page view or by the CLI's
# ``sync-summary``; the header says how far behind it is.
SYNC_BATCH = 2000
LOGIN_CSRF_COOKIE = "console_login_csrf"
Handler = Callable[[Request, Connection, Session, dict[str, str]], Response]


class LoginRateLimiter:
    """A moving-window limit on sign-in attempts per client address, an IPv6 client's
    being its /64 (``limits``; `web.security.network_key`)."""

    def __init__(self, rate: str, proxies: TrustedProxies) -> None:
        self.item = parse(rate)
        self.proxies = proxies
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def allow(self, request: Request) -> bool:
        return self._limiter.hit(self.item, "console-login", client_network(request, self.proxies))


class SourceLockout:
    """Wrong passwords for one account from one client network (its /64 for IPv6): after
    `max_failed_logins` within `lockout_minutes`, that network's sign-ins to that account are
    refused until the window has passed, while the account still opens from everywhere else.
    So an outsider who knows a username locks out only the outsider; the account itself
    locks after `account_failed_logins` from all networks (`auth`), and `unlock-user` ends that.
    Kept in the console process's memory (``limits``), like the sign-in rate limit."""

    def __init__(self, config: ConsoleConfig, proxies: TrustedProxies) -> None:
        self.item = RateLimitItemPerMinute(config.max_failed_logins, config.lockout_minutes)
        self.proxies = proxies
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def _key(self, request: Request, username: str) -> tuple[str, str]:
        return client_network(request, self.proxies), auth.normalise_username(username)

    def locked(self, request: Request, username: str) -> bool:
        return not self._limiter.test(self.item, "console-failures", *self._key(request, username))

    def failed(self, request: Request, username: str) -> None:
        self._limiter.hit(self.item, "console-failures", *self._key(request, username))

    def succeeded(self, request: Request, username: str) -> None:
        self._limiter.clear(self.item, "console-failures", *self._key(request, username))


@dataclass(frozen=True)
class Header:
    """What the header of every signed-in page shows."""

    unreviewed_urgent: int
    backlog: int


def refresh_summary(request: Request) -> None:
    """Catch the summary up with Rasa's events (one bounded batch), in its own transaction.

    A failure is logged and the page shows the summary as it was (the header shows the
    backlog); it never hides the page.
    """
    try:
        summary.sync(engine_of(request), batch_size=SYNC_BATCH, max_batches=1)
    except Exception:  # noqa: BLE001 - the console stays usable on a stale summary
        logger.exception("Could not update the console's summary of conversations")


def signed_in(request: Request, token: str) -> bool:
    """Whether the cookie names a live session (a read only; `protected` loads it after)."""
    with engine_of(request).connect() as conn:
        return auth.session_is_live(conn, token, config_of(request))


def base(request: Request) -> str:
    """The console's mount path (``/console``), for links and cookie paths."""
    return request.scope.get("root_path", "").rstrip("/")


def config_of(request: Request) -> ConsoleConfig:
    config: ConsoleConfig = request.app.state.config
    return config


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


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
                token = request.cookies.get(SESSION_COOKIE)
                if request.method == "GET" and token and signed_in(request, token):
                    refresh_summary(request)  # only for staff: never work for an anonymous cookie
                with engine_of(request).begin() as conn:
                    session = auth.load_session(conn, token, config_of(request))
                    if session is None:
                        if request.method == "GET":
                            return RedirectResponse(f"{base(request)}/login", 303)
                        return PlainTextResponse("Sign in first.", 401)
                    if request.method == "POST" and not auth.csrf_ok(
                        session.csrf_token, form.get("csrf_token")
                    ):
                        return PlainTextResponse("Invalid or missing CSRF token.", 403)
                    if admin and not session.user.is_admin:
                        audit.record(conn, session.user.username, "denied", request.url.path)
                        return PlainTextResponse("Admins only.", 403)
                    request.state.header = Header(listing.unreviewed_urgent(conn), summary.backlog(conn))
                    return handler(request, conn, session, form)

            return await run_in_threadpool(run)

        return endpoint

    return decorate


def page(request: Request, session: Session, name: str, **context: Any) -> Response:
    """A signed-in page: the template with the user and the session's CSRF token."""
    return render(
        name,
        base=base(request),
        user=session.user,
        csrf_token=session.csrf_token,
        header=request.state.header,
        **context,
    )


# -- cookies -------------------------------------------------------------------


def _secure(request: Request) -> bool:
    """Cookies are Secure on HTTPS (directly or via a trusted proxy) or when configured."""
    return config_of(request).cookie_secure or is_https(request, request.app.state.proxies)


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    """A browser-session cookie: no Max-Age or Expires, so it ends when the browser closes
    (a shared workstation). How long a session lives is the server's call (`auth`'s absolute
    and idle expiry), never the cookie's."""
    response.set_cookie(
        name,
        value,
        path=base(request) or "/",
        httponly=True,
        secure=_secure(request),
        samesite="strict",
    )


def delete_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(
        name, path=base(request) or "/", httponly=True, secure=_secure(request), samesite="strict"
    )
