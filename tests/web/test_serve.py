"""The gateway is served with uvicorn's own proxy headers off: a loopback client's
X-Forwarded-For never changes who the app thinks the client is."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from webtest_support import ServerThread

from web import serve


async def _who(request: Request) -> JSONResponse:
    client = request.client
    return JSONResponse({"host": client.host if client else None, "scheme": request.url.scheme})


def test_forwarded_headers_from_loopback_are_not_believed() -> None:
    server = ServerThread(Starlette(routes=[Route("/", _who)])).start()  # web.serve.config
    try:
        seen = httpx.get(
            f"{server.url}/", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
        ).json()
    finally:
        server.stop()
    assert seen == {"host": "127.0.0.1", "scheme": "http"}


def test_the_options_cannot_be_turned_back_on_by_a_caller() -> None:
    config = serve.config(proxy_headers=True, forwarded_allow_ips="*")
    assert config.proxy_headers is False and config.forwarded_allow_ips == ""
    assert config.factory and config.app == serve.APP
