"""Property-based fuzzing of the chat API over real HTTP: thousands of hostile payloads.

Whatever arrives, the gateway answers with a 2xx or a clear 4xx JSON error, never a 5xx,
and answers normally afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from conftest import IDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from web.chat.errors import ChatError
from web.chat.validation import clean_message

FUZZ = settings(
    max_examples=1000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SENDER = IDS.issue()
HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert('x')</script>",
    "javascript:alert(1)",
    "/restart",
    '/feedback{"feedback_value":"up"}',
    "/faq/what_is_crs",
    "{{7*7}}",
    "${jndi:ldap://x}",
    "' OR 1=1 --",
    "\u202etxt.exe",
    "\x00\x1b[31m",
    "\ud800",
    "💉🧒🏽" * 50,
]
texts = st.one_of(
    st.text(max_size=1200),
    st.text(alphabet=st.characters(codec=None, categories=None), max_size=300),
    st.sampled_from(HOSTILE),
    st.lists(st.sampled_from(HOSTILE), max_size=5).map(" ".join),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def http(gateway_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway_url, timeout=10, trust_env=False) as client:
        yield client


def _post(http: httpx.Client, path: str, body: object) -> httpx.Response:
    # json.dumps escapes lone surrogates, so even invalid UTF-16 reaches the gateway.
    content = json.dumps(body)
    return http.post(path, content=content, headers={"Content-Type": "application/json"})


def _expected_ok(sender: str, message: str) -> bool:
    try:
        IDS.open(sender)
        clean_message(message, 1000)
    except ChatError:
        return False
    return True


@FUZZ
@given(message=texts)
def test_any_message_text(http: httpx.Client, message: str) -> None:
    response = _post(http, "/api/chat", {"sender": SENDER, "message": message})
    assert response.status_code < 500
    assert (response.status_code == 200) == _expected_ok(SENDER, message)
    if response.status_code == 200:
        for bot in response.json()["messages"]:
            assert "care team" in bot["text"]
    else:
        assert response.json()["error"]["message"]


@FUZZ
@given(sender=st.one_of(st.text(max_size=80), st.sampled_from(HOSTILE)), message=texts)
def test_any_sender(http: httpx.Client, sender: str, message: str) -> None:
    response = _post(http, "/api/chat", {"sender": sender, "message": message})
    assert response.status_code < 500
    assert (response.status_code == 200) == _expected_ok(sender, message)


@FUZZ
@given(body=json_values)
def test_any_json_body(http: httpx.Client, body: object) -> None:
    for path in ("/api/chat", "/api/feedback"):
        assert _post(http, path, body).status_code < 500


@settings(max_examples=500, deadline=None, database=None)
@given(raw=st.binary(max_size=2000))
def test_any_bytes(http: httpx.Client, raw: bytes) -> None:
    response = http.post("/api/chat", content=raw, headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500


def test_still_answers_after_the_fuzzing(http: httpx.Client) -> None:
    response = http.post("/api/chat", json={"sender": SENDER, "message": "What is CRS?"})
    assert response.status_code == 200
    assert "care team" in response.json()["messages"][0]["text"]
    assert http.get("/api/health").json() == {"gateway": "ok", "rasa": "ok"}
