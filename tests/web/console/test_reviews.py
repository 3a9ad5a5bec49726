"""Notes through the whole gateway: its body cap lets every note the form allows through,
and a body over the console's cap gets a clear answer."""

from __future__ import annotations

from urllib.parse import unquote_plus, urlencode

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from tests.web.console import rasa_rows
from tests.web.console.conftest import PASSWORD, csrf_of
from web.console.services import reviews
from web.console.tables import notes
from web.settings import WebSettings

SENDER = "conv-12345678"


@pytest.fixture
def gateway(database_url: str, engine, users) -> TestClient:  # noqa: ANN001
    from web.app import create_app

    with engine.begin() as conn:
        rasa_rows.insert_rows(conn, [rasa_rows.user(SENDER, "hello", "greet", 0.9)])
    settings = WebSettings(console_enabled=True, console_database_url=database_url, rate_limit_enabled=False)
    client = TestClient(create_app(settings), base_url="http://testserver")
    page = client.get("/console/login")
    data = {"username": "rex", "password": PASSWORD, "csrf_token": csrf_of(page.text)}
    assert client.post("/console/login", data=data, follow_redirects=False).status_code == 303
    return client


def _post_note(client: TestClient, note: str):  # noqa: ANN202
    token = csrf_of(client.get("/console/").text)
    body = urlencode({"csrf_token": token, "sender_id": SENDER, "note": note})
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return client.post("/console/notes", content=body, headers=headers, follow_redirects=False)


def _stored(engine) -> list[str]:  # noqa: ANN001
    with engine.begin() as conn:
        return list(conn.execute(select(notes.c.body).order_by(notes.c.id)).scalars())


def test_every_note_the_form_allows_passes_the_body_cap(gateway: TestClient, engine) -> None:  # noqa: ANN001
    largest = "病" * reviews.MAX_NOTE  # textarea maxlength: 4000 characters, 9 bytes each encoded
    emoji = "😀" * (reviews.MAX_NOTE // 2)  # two UTF-16 units each towards maxlength
    lines = "a\r\n" * (reviews.MAX_NOTE // 2)  # 4000 for maxlength: a browser sends CRLF
    for note in (largest, emoji, lines):
        response = _post_note(gateway, note)
        assert response.status_code == 303, response.text[:200]
        assert "message=" not in response.headers["location"]
    assert len(urlencode({"note": largest})) > 16_384  # the gateway's default cap (chat API)
    assert _stored(engine) == [largest, emoji, "a\n" * 1999 + "a"]


def test_a_body_over_the_console_cap_gets_a_clear_answer(gateway: TestClient, engine) -> None:  # noqa: ANN001
    response = _post_note(gateway, "a" * reviews.MAX_NOTE_FORM_BYTES)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/plain")
    assert "A note has at most 4000 characters: go back, shorten the note" in response.text
    too_long = _post_note(gateway, "a" * (reviews.MAX_NOTE + 1))  # under the cap, over the note's limit
    assert too_long.status_code == 303
    assert "A note has at most 4000 characters." in unquote_plus(too_long.headers["location"])
    assert _stored(engine) == []


def test_the_chat_api_keeps_the_gateway_cap(gateway: TestClient) -> None:
    body = '{"sender_id": "x", "message": "' + "a" * 17_000 + '"}'
    response = gateway.post("/api/chat", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_the_cap_fits_the_worst_case_form() -> None:
    token, sender = "x" * 43, "病" * 255  # token_urlsafe(32); the longest conversation id
    worst = urlencode({"csrf_token": token, "sender_id": sender, "note": "病" * reviews.MAX_NOTE})
    assert len(worst) <= reviews.MAX_NOTE_FORM_BYTES < 64 * 1024
