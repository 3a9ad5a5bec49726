"""The console on a tracker store filled by real conversations with the running bot.

Starts the action server and Rasa (launcher/stack.py, trained model in models/)
once with SQLite and once with PostgreSQL, talks to the bot through Rasa's REST
channel, then checks the list, flags, filters, transcript, correction export
(`rasa data validate`) and CSV export.
"""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from tests.web.console.conftest import PASSWORD, _pg_admin_engine, csrf_of
from tests.web.console.test_exports import RASA, validate_with_rasa
from web.console import migrate
from web.console.app import create_console
from web.console.config import ConsoleConfig
from web.console.db import make_engine
from web.console.services import auth

pytestmark = pytest.mark.realstack
ROOT = Path(__file__).resolve().parents[3]
RUN = secrets.token_hex(3)
CONVERSATIONS = {
    f"faq-{RUN}": ["what is crs?", '/feedback{"feedback_value":"down"}'],
    f"urgent-{RUN}": ["my son Liam is having a seizure right now"],
    f"oos-{RUN}": ["what will the weather be like tomorrow in boston"],
    f"fallback-{RUN}": ["blorp zzkx qwpo vrrm"],
}


def _say(rasa_url: str, sender: str, message: str) -> list[dict]:
    request = urllib.request.Request(
        rasa_url + "/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
        return json.loads(response.read())


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def filled_database(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[str]:  # noqa: ANN001
    from launcher.stack import MODEL, StackOptions, start_stack

    if not Path(MODEL).exists():
        pytest.skip(f"no trained model at {MODEL}: run `make train` first")
    admin = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('real') / 'rasa.db'}"
    else:
        admin = _pg_admin_engine()
        if admin is None:
            pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
        name = f"console_real_{RUN}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        with start_stack(StackOptions(database_url=url, gateway=False, timeout=600)) as stack:
            for sender, messages in CONVERSATIONS.items():
                for message in messages:
                    assert _say(stack.rasa_url, sender, message), message
        migrate.upgrade(url)
        engine = make_engine(url)
        with engine.begin() as conn:
            auth.create_user(conn, "ada", PASSWORD, "admin")
        engine.dispose()
        yield url
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "console_real_{RUN}" WITH (FORCE)'))
            admin.dispose()


@pytest.fixture
def client(filled_database: str) -> Iterator[TestClient]:
    engine = make_engine(filled_database)
    client = TestClient(create_console(ConsoleConfig(filled_database), engine=engine))
    token = csrf_of(client.get("/login").text)
    client.post("/login", data={"username": "ada", "password": PASSWORD, "csrf_token": token})
    yield client
    engine.dispose()


def _senders(client: TestClient, **params: str) -> set[str]:
    page = client.get("/conversations", params=params)
    assert page.status_code == 200
    return set(re.findall(r'data-sender="([^"]+)"', page.text)) & set(CONVERSATIONS)


def test_list_and_flags(client: TestClient) -> None:
    assert _senders(client) == set(CONVERSATIONS)
    assert _senders(client, flag="urgent") == {f"urgent-{RUN}"}
    assert _senders(client, flag="out_of_scope") == {f"oos-{RUN}"}
    assert f"fallback-{RUN}" in _senders(client, flag="not_understood")
    assert _senders(client, flag="thumbs_down") == {f"faq-{RUN}"}


def test_filters(client: TestClient) -> None:
    assert f"faq-{RUN}" in _senders(client, topic="what_is_crs")
    assert _senders(client, q="weather") == {f"oos-{RUN}"}
    assert f"fallback-{RUN}" in _senders(client, max_confidence="0.99")
    assert _senders(client, reviewed="yes") == set()
    assert _senders(client, date_from="2000-01-01") == set(CONVERSATIONS)
    assert _senders(client, date_to="2000-01-01") == set()


def test_transcript_is_redacted_and_shows_the_bot(client: TestClient) -> None:
    page = client.get(f"/conversations/urgent-{RUN}")
    assert page.status_code == 200
    assert "Liam" not in page.text and "&lt;NAME&gt;" in page.text
    assert "intent report_urgent_symptom" in page.text
    assert "care team" in page.text.lower()
    faq = client.get(f"/conversations/faq-{RUN}").text
    assert "answer faq/what_is_crs" in faq and "Thumbs down" in faq


@pytest.mark.skipif(not RASA.exists(), reason="needs the Rasa venv")
def test_correction_export_is_valid_rasa_nlu(client: TestClient, tmp_path: Path) -> None:
    page = client.get(f"/conversations/fallback-{RUN}").text
    event_id = re.search(r'name="event_id" value="(\d+)"', page).group(1)
    saved = client.post("/correct", data={"csrf_token": csrf_of(page), "event_id": event_id,
                                          "intent": "faq/what_is_crs"})  # fmt: skip
    assert saved.status_code == 200
    exported = client.get("/corrections.yml").text
    assert "- intent: faq/what_is_crs" in exported and "blorp zzkx qwpo vrrm" in exported
    result = validate_with_rasa(exported, tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_csv_export(client: TestClient) -> None:
    response = client.get("/export.csv", params={"flag": "urgent"})
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["conversation_id"] for r in rows} == {f"urgent-{RUN}"}
    assert {r["sender"] for r in rows} == {"user", "bot"}
    assert all("Liam" not in r["text"] for r in rows)
    assert any(r["flags"] == "urgent" for r in rows)
