import httpx
from conftest import gateway_settings
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.settings import Settings
from web.app import create_app


def test_factory_takes_its_settings() -> None:
    settings = gateway_settings(rasa_url="http://127.0.0.1:1")
    app = create_app(settings)
    assert isinstance(app, FastAPI)
    assert app.state.web_settings is settings


def test_handlers_get_the_settings_the_factory_was_given() -> None:
    """Injected, not read from the environment: two apps, two sets of contact details."""
    for contact, number in (("call Ward 7 on 555-0107", "112"), ("ask the nurse", "999")):
        shared = Settings.from_env({"CRS_CARE_TEAM_CONTACT": contact, "CRS_EMERGENCY_NUMBER": number})
        app = create_app(gateway_settings(rasa_url="http://127.0.0.1:1", max_message_chars=321), shared)
        assert app.state.shared_settings is shared
        http = TestClient(app)
        config = http.get("/api/config").json()
        assert config["care_team_contact"] == contact
        assert config["emergency_number"] == number
        assert config["max_message_chars"] == 321
        page = http.get("/").text
        assert f'data-emergency-number="{number}"' in page and contact in page
        assert "321 characters" in page


def test_every_part_is_served(client: httpx.Client) -> None:
    assert client.get("/").status_code == 200
    assert client.get("/static/widget/main.js").status_code == 200
    assert client.get("/api/config").status_code == 200
    assert client.get("/api/health").status_code == 200


def test_no_docs_are_exposed(client: httpx.Client) -> None:
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert client.get(path).status_code == 404
