"""Fixtures: a migrated database on SQLite and on PostgreSQL, a console app, users."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from starlette.testclient import TestClient

from tests.web.console import rasa_rows
from web.console import migrate
from web.console.app import create_console
from web.console.config import ConsoleConfig
from web.console.db import make_engine
from web.console.services import auth
from web.console.tables import metadata

PG_SERVER = os.environ.get("CRS_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432")
PASSWORD = "correct horse battery staple"


def _pg_admin_engine() -> Engine | None:
    for user in ("postgres", "root"):
        url = re.sub(r"//[^@/]*@", f"//{user}@", PG_SERVER) + "/test"
        engine = make_engine(url)
        try:
            with engine.connect():
                return engine.execution_options(isolation_level="AUTOCOMMIT")
        except Exception:  # noqa: BLE001 - try the next role
            engine.dispose()
    return None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, dropped afterwards."""
    admin = _pg_admin_engine()
    if admin is None:
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    name = f"console_test_{os.getpid()}_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = str(admin.url.set(database=name).render_as_string(hide_password=False))
    yield base
    with admin.connect() as conn:
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database with an (empty) Rasa ``events`` table; emptied afterwards."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'rasa.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    migrate.upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        rasa_rows.create_events_table(conn)
    yield url
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
        conn.execute(rasa_rows.events.delete())
    engine.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def config(database_url: str) -> ConsoleConfig:
    return ConsoleConfig(database_url=database_url)


@pytest.fixture
def users(engine: Engine) -> dict[str, auth.User]:
    with engine.begin() as conn:
        return {
            "admin": auth.create_user(conn, "ada", PASSWORD, "admin"),
            "reviewer": auth.create_user(conn, "rex", PASSWORD, "reviewer"),
        }


@pytest.fixture
def samples(engine: Engine) -> dict[str, list[int]]:
    with engine.begin() as conn:
        return rasa_rows.sample_conversations(conn)


@pytest.fixture
def app(config: ConsoleConfig, engine: Engine):
    return create_console(config, engine=engine)


def _login(app, username: str) -> TestClient:
    client = TestClient(app, base_url="http://testserver")
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def admin_client(app, users) -> TestClient:
    return _login(app, "ada")


@pytest.fixture
def reviewer_client(app, users) -> TestClient:
    return _login(app, "rex")
