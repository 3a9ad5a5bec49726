"""launcher.databases.ensure_database against the local PostgreSQL (127.0.0.1:5432)."""

from __future__ import annotations

import uuid
from typing import Iterator, List

import pytest
import sqlalchemy as sa

from launcher.databases import DatabaseError, ensure_database
from launcher.stack import free_port

SERVER = "postgresql://postgres@127.0.0.1:5432"


def _databases() -> List[str]:
    admin = sa.create_engine(f"{SERVER}/postgres")
    try:
        with admin.connect() as connection:
            return [row[0] for row in connection.execute(sa.text("SELECT datname FROM pg_database"))]
    finally:
        admin.dispose()


@pytest.fixture
def names() -> Iterator[List[str]]:
    """Database names a test may create; every one is dropped afterwards."""
    created: List[str] = []
    yield created
    admin = sa.create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in created:
            quoted = admin.dialect.identifier_preparer.quote_identifier(name)
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {quoted}"))
    admin.dispose()


def test_creates_a_missing_database_once(names):
    names.append(f"crs_ensure_{uuid.uuid4().hex[:10]}")
    url = f"{SERVER}/{names[0]}"
    assert names[0] not in _databases()

    assert ensure_database(url) is True
    assert names[0] in _databases()
    assert ensure_database(url) is False  # already there: nothing to do, no error

    engine = sa.create_engine(url)  # and it is a database one can use
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT current_database()")).scalar() == names[0]
    engine.dispose()


def test_a_name_that_needs_quoting_is_created_as_written(names):
    names.append(f"crs-Ensure {uuid.uuid4().hex[:6]}")
    assert ensure_database(
        sa.engine.URL.create("postgresql", "postgres", None, "127.0.0.1", 5432, names[0]).render_as_string()
    )
    assert names[0] in _databases()


def test_sqlite_and_other_urls_need_nothing(tmp_path):
    path = tmp_path / "rasa.db"
    assert ensure_database(f"sqlite:///{path}") is False
    assert not path.exists()


def test_a_url_without_a_database_name_is_an_error():
    with pytest.raises(DatabaseError, match="no database name"):
        ensure_database(SERVER)


def test_an_unreachable_server_is_a_clear_error():
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/crs_nowhere"
    with pytest.raises(DatabaseError, match="crs_nowhere"):
        ensure_database(url)
