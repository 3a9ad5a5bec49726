"""The gateway's access log: one line a request, without the query string or conversation ids.

uvicorn's own access line is the request line in full: the console's search terms
(``/console/conversations?q=...``) and the conversation id of ``/console/conversations/{id}``
would be kept wherever the logs go, although the audit log keeps only filter names. Instead,
`AccessLogMiddleware` logs on ``web.access`` the method, the path without its query string, with
each path parameter replaced by the route's placeholder (``/console/conversations/{sender_id}``),
the status and the duration. `web.serve` turns uvicorn's access log off and gives ``web.access``
a handler; `drop_uvicorn_access_log` keeps uvicorn's line out however uvicorn is started.
"""

from __future__ import annotations

import logging
import time
import urllib.parse

from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOGGER = "web.access"
log = logging.getLogger(LOGGER)


def loggable_path(scope: Scope) -> str:
    """The request's path for a log: never the query string; for a route with path parameters,
    the route's template (the Starlette router leaves the matched route in the scope)."""
    route = scope.get("route")
    template = getattr(route, "path_format", None)
    if scope.get("path_params") and isinstance(template, str) and not isinstance(route, Mount):
        return scope.get("root_path", "").rstrip("/") + template
    # Quoted as uvicorn does: a decoded %0A in a path cannot start a fake log line.
    return urllib.parse.quote(scope.get("path", ""))


class AccessLogMiddleware:
    """Logs each HTTP request once it is answered: ``GET /console/conversations 200 3.1 ms``
    (also as the record's ``method``, ``path``, ``status`` and ``duration_ms``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # an exception before the response started: the server answers 500

        async def _send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, _send)
        finally:
            duration_ms = (time.perf_counter() - start) * 1000
            method, path = scope["method"], loggable_path(scope)
            log.info(
                "%s %s %d %.1f ms",
                method,
                path,
                status,
                duration_ms,
                extra={"method": method, "path": path, "status": status, "duration_ms": duration_ms},
            )


class _DropAll(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return False


def drop_uvicorn_access_log() -> None:
    """Drops every record of uvicorn's access logger (idempotent): its line carries the query
    string, and uvicorn writes it whenever that logger has a handler, whatever ``access_log``
    says (a ``--log-config``, a handler added later)."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _DropAll) for f in logger.filters):
        logger.addFilter(_DropAll())
