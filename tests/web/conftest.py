"""Fixtures for the web suite: a stub Rasa and gateways served over real HTTP.

Nothing here imports Playwright (the unit tests under chat/ and console/ run without
it); the browser fixtures are in browser/conftest.py."""

from __future__ import annotations

import os
from collections.abc import Iterator

# A care-team phone so urgent replies offer both tap-to-call links (read once, below).
os.environ.setdefault("CRS_CARE_TEAM_PHONE", "+1 555 0100")

import httpx
import pytest
from webtest_support import ServerThread, StubRasa, closed_port_url

from web.app import create_app
from web.chat.conversation_ids import ConversationIds
from web.settings import WebSettings

# The test gateways' secret: a test issues its conversation tokens with `IDS` (as
# POST /api/conversations would) and finds the sender id Rasa sees with `IDS.open`.
TEST_CONVERSATION_SECRET = "test-conversation-secret-0123456789abcdef"
IDS = ConversationIds(TEST_CONVERSATION_SECRET)


def gateway_settings(**overrides: object) -> WebSettings:
    values: dict[str, object] = {
        "rasa_timeout_seconds": 1.5,
        "health_timeout_seconds": 1.0,
        "rate_limit_enabled": False,
        "console_enabled": False,
        "conversation_secret": TEST_CONVERSATION_SECRET,
    }
    values.update(overrides)
    return WebSettings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def stub_rasa() -> Iterator[StubRasa]:
    stub = StubRasa()
    server = ServerThread(stub.app()).start()
    stub.url = server.url  # type: ignore[attr-defined]
    yield stub
    server.stop()


@pytest.fixture(autouse=True)
def _reset_stub(request: pytest.FixtureRequest) -> None:
    if "stub_rasa" in request.fixturenames:
        stub: StubRasa = request.getfixturevalue("stub_rasa")
        stub.mode = "normal"
        stub.received.clear()


def _serve(settings: WebSettings) -> Iterator[str]:
    server = ServerThread(create_app(settings)).start()
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def gateway_url(stub_rasa: StubRasa) -> Iterator[str]:
    """A gateway in front of the stub Rasa, without a rate limit."""
    yield from _serve(gateway_settings(rasa_url=stub_rasa.url))  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def down_gateway_url() -> Iterator[str]:
    """A gateway whose Rasa address refuses connections."""
    yield from _serve(gateway_settings(rasa_url=closed_port_url()))


@pytest.fixture()
def client(gateway_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway_url, timeout=10, trust_env=False) as http:
        yield http
