"""An unexpected error in any route, the console's too: a JSON 500 with the emergency sentence,
logged once with its real cause, under the route (never the query string)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from conftest import gateway_settings
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from assistant.settings import Settings
from web.app import create_app

SHARED = Settings.from_env(
    {"CRS_CARE_TEAM_CONTACT": "call Ward 7 on 555-0107", "CRS_EMERGENCY_NUMBER": "112"}
)


def _console_with_database_down(tmp_path: Path) -> FastAPI:
    url = f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'console.db'}"  # cannot be opened
    return create_app(gateway_settings(console_enabled=True, console_database_url=url), SHARED)


def _errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


def _assert_error_body(body: dict[str, object]) -> None:
    assert body["error"] == {"code": "internal_error", "message": "Something went wrong."}
    assert "112" in str(body["emergency"]) and "Ward 7" in str(body["care_team"])


def test_a_console_error_is_a_json_500_logged_once_with_its_cause(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The default TestClient re-raises what reaches the server: nothing does (logged once, here).
    http = TestClient(_console_with_database_down(tmp_path))
    with caplog.at_level(logging.ERROR):
        response = http.get("/console/conversations/parent-7f3c9e21", params={"q": "Liam Okafor"})
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-frame-options"] == "DENY"
    _assert_error_body(response.json())
    [record] = _errors(caplog)
    assert record.exc_info and isinstance(record.exc_info[1], OperationalError)
    assert record.getMessage() == "unexpected error on GET /console/conversations/{sender_id}"
    assert "Okafor" not in caplog.text and "7f3c9e21" not in record.getMessage()


def test_a_gateway_error_is_a_json_500_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(gateway_settings(rasa_url="http://127.0.0.1:1"), SHARED)

    async def broken() -> None:
        raise RuntimeError("the real cause")

    app.add_api_route("/api/broken", broken)
    with caplog.at_level(logging.ERROR):
        response = TestClient(app).get("/api/broken", params={"q": "a parent's words"})
    assert response.status_code == 500
    assert response.headers["x-content-type-options"] == "nosniff"
    _assert_error_body(response.json())
    [record] = _errors(caplog)
    assert record.exc_info and str(record.exc_info[1]) == "the real cause"
    assert record.getMessage() == "unexpected error on GET /api/broken"
    assert "parent" not in caplog.text
