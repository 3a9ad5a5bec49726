"""The gateway is served with uvicorn's own proxy headers off: a loopback client's
X-Forwarded-For never changes who the app thinks the client is."""

from __future__ import annotations

import httpx
import pytest
from conftest import gateway_settings
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from webtest_support import ServerThread, closed_port_url

from web import serve
from web.app import create_app


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
    config = serve.config(proxy_headers=True, forwarded_allow_ips="*", access_log=True)
    assert config.proxy_headers is False and config.forwarded_allow_ips == ""
    assert config.access_log is False
    assert config.factory and config.app == serve.APP


def test_the_access_log_has_the_path_without_the_query_string(capsys: pytest.CaptureFixture[str]) -> None:
    """uvicorn's line would be ``"GET /api/config?q=Liam+Okafor HTTP/1.1" 200``: asked for, it
    stays off; the app's own line is written instead (web.access_log)."""
    app = create_app(gateway_settings(rasa_url=closed_port_url()))
    server = ServerThread(app, log_level="info", access_log=True).start()
    try:
        assert httpx.get(f"{server.url}/api/config", params={"q": "Liam Okafor"}).status_code == 200
    finally:
        server.stop()
    out = capsys.readouterr().out
    assert "GET /api/config 200 " in out
    assert "Okafor" not in out and "HTTP/1.1" not in out
