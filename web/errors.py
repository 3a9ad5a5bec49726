"""JSON error responses for the whole app, each with the care-team text and the emergency sentence.

An exception no handler takes, in any route (the console's too), is answered by
`UnexpectedErrorMiddleware`: logged once with its traceback, under the method and the route
(`web.access_log.loggable_path`: never the query string, never the body), and answered 500.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.names import EMERGENCY_SENTENCE
from assistant.settings import Settings
from web.access_log import loggable_path
from web.chat.errors import ChatError, describe_validation_errors, error_body
from web.settings import shared_settings_of

log = logging.getLogger(__name__)
INTERNAL_ERROR = ChatError(status=500, code="internal_error", message="Something went wrong.")


def care_team_text(shared: Settings) -> str:
    """The care-team sentence from these settings."""
    return f"Please contact your child's care team: {shared.care_team_contact}."


def emergency_text(shared: Settings) -> str:
    """The product's emergency sentence with this deployment's emergency number."""
    return EMERGENCY_SENTENCE.format(emergency_number=shared.emergency_number)


def internal_error_body(shared: Settings) -> dict[str, object]:
    """The body of a 500."""
    return error_body(INTERNAL_ERROR, care_team_text(shared), emergency_text(shared))


def _json(request: Request, error: ChatError) -> JSONResponse:
    shared = shared_settings_of(request)
    body = error_body(error, care_team_text(shared), emergency_text(shared))
    return JSONResponse(body, status_code=error.status)


async def on_chat_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ChatError)
    return _json(request, exc)


async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    status, code, message = describe_validation_errors(list(exc.errors()))
    return _json(request, ChatError(status=status, code=code, message=message))


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    message = {404: "Not found.", 405: "Method not allowed."}.get(exc.status_code, "Request failed.")
    return _json(request, ChatError(status=exc.status_code, code=f"http_{exc.status_code}", message=message))


class UnexpectedErrorMiddleware:
    """Answers an exception of the app it wraps with a 500 and the JSON error body, and logs it
    once with its traceback. The exception stops here: neither Starlette's plain-text 500 nor
    the server's "Exception in ASGI application" repeats it. After the response has started
    (a streamed export) it is only logged; the server then closes the connection.

    The settings are given, not read from ``request.app``: in a mounted app (the console) that
    is the mounted app, without the gateway's state.
    """

    def __init__(self, app: ASGIApp, shared: Settings) -> None:
        self.app = app
        self.body = internal_error_body(shared)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def _send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, _send)
        except Exception:
            log.exception("unexpected error on %s %s", scope["method"], loggable_path(scope))
            if not started:
                await JSONResponse(self.body, status_code=500)(scope, receive, send)


def install_error_handlers(app: FastAPI, shared: Settings) -> None:
    """The gateway's handlers, and `UnexpectedErrorMiddleware` (call before adding any other
    middleware: innermost, its 500 gets the security headers). Starlette's last-resort handler
    remains for an error in an outer middleware: answered with the same body, not logged here
    (Starlette re-raises it and the server logs it)."""
    body = internal_error_body(shared)

    async def on_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(body, status_code=500)

    app.add_exception_handler(ChatError, on_chat_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected_error)
    app.add_middleware(UnexpectedErrorMiddleware, shared=shared)
