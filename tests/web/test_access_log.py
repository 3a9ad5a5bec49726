"""The gateway's access log: method, path without the query string and with conversation ids as
the route's placeholder, status, duration; uvicorn's own line (the full request line) never."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import gateway_settings
from fastapi.testclient import TestClient

from web.access_log import LOGGER
from web.app import create_app


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def access_records() -> Iterator[list[logging.LogRecord]]:
    """The records of ``web.access`` (a server of another test may have set its level)."""
    logger = logging.getLogger(LOGGER)
    handler, level = _Records(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler.records
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_a_line_has_no_query_string_and_no_conversation_id(
    tmp_path: Path, access_records: list[logging.LogRecord]
) -> None:
    url = f"sqlite:///{tmp_path / 'console.db'}"
    app = create_app(gateway_settings(console_enabled=True, console_database_url=url))
    http = TestClient(app, follow_redirects=False)
    http.get("/console/conversations", params={"q": "Liam Okafor 4471902"})
    http.get("/console/conversations/parent-7f3c9e21-live-id", params={"message": "3"})
    http.get("/api/config", params={"sender": "parent-1"})
    lines = [r.getMessage() for r in access_records]
    assert [line.rsplit(" ", 2)[0] for line in lines] == [
        "GET /console/conversations 303",  # to the sign-in page
        "GET /console/conversations/{sender_id} 303",
        "GET /api/config 200",
    ]
    assert not any(word in line for line in lines for word in ("Okafor", "7f3c9e21", "?", "parent-1"))
    record = access_records[-1]
    assert (record.method, record.path, record.status) == ("GET", "/api/config", 200)  # type: ignore[attr-defined]
    assert isinstance(record.duration_ms, float) and lines[-1].endswith(" ms")  # type: ignore[attr-defined]


def test_uvicorns_access_line_is_dropped_however_uvicorn_was_started() -> None:
    create_app(gateway_settings())
    uvicorn_access = logging.getLogger("uvicorn.access")
    record = uvicorn_access.makeRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        0,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/console/conversations?q=Okafor", "1.1", 200),
        None,
    )
    assert not uvicorn_access.filter(record)
