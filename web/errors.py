"""JSON error responses for the whole app, each with the care-team text and the emergency sentence."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from assistant.names import EMERGENCY_SENTENCE
from web.chat.errors import ChatError, describe_validation_errors, error_body
from web.settings import shared_settings_of

log = logging.getLogger(__name__)


def _care_team(request: Request) -> str:
    """The care-team sentence from this app's settings (`create_app`)."""
    return f"Please contact your child's care team: {shared_settings_of(request).care_team_contact}."


def _emergency(request: Request) -> str:
    """The product's emergency sentence with this deployment's emergency number."""
    return EMERGENCY_SENTENCE.format(emergency_number=shared_settings_of(request).emergency_number)


def _json(request: Request, error: ChatError) -> JSONResponse:
    body = error_body(error, _care_team(request), _emergency(request))
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


async def on_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s", request.url.path)
    return _json(request, ChatError(status=500, code="internal_error", message="Something went wrong."))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ChatError, on_chat_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected_error)
