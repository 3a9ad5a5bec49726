import httpx
from conftest import gateway_settings
from fastapi import FastAPI

from web.app import create_app


def test_factory_takes_its_settings() -> None:
    settings = gateway_settings(rasa_url="http://127.0.0.1:1")
    app = create_app(settings)
    assert isinstance(app, FastAPI)
    assert app.state.web_settings is settings


def test_every_part_is_served(client: httpx.Client) -> None:
    assert client.get("/").status_code == 200
    assert client.get("/static/widget.js").status_code == 200
    assert client.get("/api/config").status_code == 200
    assert client.get("/api/health").status_code == 200


def test_no_docs_are_exposed(client: httpx.Client) -> None:
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert client.get(path).status_code == 404
