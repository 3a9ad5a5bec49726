"""The chat API over real HTTP against a running gateway, Rasa stubbed."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from conftest import IDS, gateway_settings
from webtest_support import RELATED_BUTTONS, ServerThread, StubRasa

from assistant.topics import TOPIC_TITLES
from web.app import create_app

SENDER = IDS.issue()  # the widget's conversation token
RASA_SENDER = IDS.open(SENDER)  # what Rasa sees


def _error(response: httpx.Response) -> dict:
    body = response.json()
    assert set(body) == {"error", "care_team", "emergency"}
    assert body["error"]["message"]
    assert "care team" in body["care_team"]
    assert body["emergency"].startswith("If your child has trouble breathing")
    return body["error"]


def test_a_question_gets_the_bots_answer(client: httpx.Client, stub_rasa: StubRasa) -> None:
    response = client.post("/api/chat", json={"sender": SENDER, "message": "What is CRS?"})
    assert response.status_code == 200
    messages = response.json()["messages"]
    assert "care team" in messages[0]["text"]
    assert messages[0]["id"] and messages[0]["urgent"] is False
    assert stub_rasa.received == [{"sender": RASA_SENDER, "message": "What is CRS?"}]


def test_urgent_reply_is_merged(client: httpx.Client) -> None:
    messages = client.post("/api/chat", json={"sender": SENDER, "message": "emergency"}).json()["messages"]
    assert len(messages) == 1
    assert messages[0]["urgent"] is True and messages[0]["level"] == "emergency"


def test_buttons_are_passed_on(client: httpx.Client) -> None:
    messages = client.post("/api/chat", json={"sender": SENDER, "message": "options"}).json()["messages"]
    assert messages[0]["buttons"][0] == {
        "title": "What is CRS?",
        "payload": "what is crs",
    }


def test_feedback_is_sent_as_the_feedback_intent(client: httpx.Client, stub_rasa: StubRasa) -> None:
    response = client.post("/api/feedback", json={"sender": SENDER, "value": "down", "message_id": "m1"})
    assert response.status_code == 200
    assert stub_rasa.received[-1]["message"] == '/feedback{"feedback_value":"down"}'
    assert stub_rasa.received[-1]["metadata"] == {"rated_message_id": "m1"}


def test_typed_slash_commands_are_neutralised(client: httpx.Client, stub_rasa: StubRasa) -> None:
    client.post(
        "/api/chat",
        json={"sender": SENDER, "message": '/feedback{"feedback_value":"up"}'},
    )
    assert not stub_rasa.received[-1]["message"].startswith("/")


def test_typed_faq_payload_is_neutralised_too(client: httpx.Client, stub_rasa: StubRasa) -> None:
    client.post("/api/chat", json={"sender": SENDER, "message": "/faq/what_is_crs"})
    assert stub_rasa.received[-1]["message"] == "faq/what_is_crs"


def test_related_topic_buttons_are_passed_on_unchanged_and_unsafe_ones_dropped(
    client: httpx.Client,
) -> None:
    messages = client.post("/api/chat", json={"sender": SENDER, "message": "related"}).json()["messages"]
    assert messages[0]["buttons"] == RELATED_BUTTONS


def test_tapped_faq_button_is_forwarded_as_its_intent(client: httpx.Client, stub_rasa: StubRasa) -> None:
    body = {"sender": SENDER, "message": "/faq/symptoms_general", "quick_reply": True}
    response = client.post("/api/chat", json=body)
    assert response.status_code == 200
    assert stub_rasa.received[-1] == {"sender": RASA_SENDER, "message": "/faq/symptoms_general"}
    assert response.json()["messages"][0]["buttons"] == RELATED_BUTTONS


@pytest.mark.parametrize(
    ("payload", "forwarded"),
    [
        ("/restart", "restart"),
        ("/faq/not_a_topic", "faq/not_a_topic"),
        ('/feedback{"feedback_value":"up"}', 'feedback{"feedback_value":"up"}'),
        ("How is CRS treated?", "How is CRS treated?"),
    ],
)
def test_tapped_buttons_cannot_inject_other_intents(
    client: httpx.Client, stub_rasa: StubRasa, payload: str, forwarded: str
) -> None:
    body = {"sender": SENDER, "message": payload, "quick_reply": True}
    assert client.post("/api/chat", json=body).status_code == 200
    assert stub_rasa.received[-1]["message"] == forwarded


def test_quick_reply_flag_must_be_a_boolean(client: httpx.Client, stub_rasa: StubRasa) -> None:
    body = {"sender": SENDER, "message": "/faq/what_is_crs", "quick_reply": "yes"}
    response = client.post("/api/chat", json=body)
    assert response.status_code == 422
    assert _error(response)["code"] == "invalid_field"
    assert stub_rasa.received == []


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"sender": SENDER, "message": ""}, 400, "empty_message"),
        ({"sender": SENDER, "message": "   \n\t "}, 400, "empty_message"),
        ({"sender": SENDER, "message": "a" * 1001}, 400, "message_too_long"),
        ({"sender": "x", "message": "hi"}, 400, "invalid_conversation"),
        ({"sender": "has spaces in it", "message": "hi"}, 400, "invalid_conversation"),
        (
            {"sender": "<script>alert(1)</script>", "message": "hi"},
            400,
            "invalid_conversation",
        ),
        ({"sender": SENDER, "message": 42}, 422, "invalid_field"),
        ({"sender": SENDER, "message": None}, 422, "invalid_field"),
        ({"sender": SENDER, "message": ["a"]}, 422, "invalid_field"),
        ({"sender": 12345678, "message": "hi"}, 422, "invalid_field"),
        ({"message": "hi"}, 422, "invalid_field"),
        ({"sender": SENDER}, 422, "invalid_field"),
        (
            {"sender": SENDER, "message": "hi", "metadata": {"x": 1}},
            422,
            "invalid_field",
        ),
    ],
)
def test_bad_chat_bodies_get_a_clear_4xx_and_nothing_is_forwarded(
    client: httpx.Client, stub_rasa: StubRasa, body: dict, status: int, code: str
) -> None:
    response = client.post("/api/chat", json=body)
    assert response.status_code == status
    assert _error(response)["code"] == code
    assert stub_rasa.received == []


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not json",
        b"{",
        b"[1,2]",
        b'"a string"',
        b"null",
        b"\xff\xfe\x00",
        b"{'single': 'quotes'}",
    ],
)
def test_non_json_or_wrong_shape_bodies(client: httpx.Client, stub_rasa: StubRasa, raw: bytes) -> None:
    response = client.post("/api/chat", content=raw, headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500
    _error(response)
    assert stub_rasa.received == []


def test_form_encoded_body_is_refused(client: httpx.Client) -> None:
    response = client.post("/api/chat", data={"sender": SENDER, "message": "hi"})
    assert 400 <= response.status_code < 500
    _error(response)


def test_bad_feedback_values(client: httpx.Client, stub_rasa: StubRasa) -> None:
    for body in (
        {"sender": SENDER, "value": "meh"},
        {"sender": SENDER, "value": "up", "message_id": "<bad>"},
        {"sender": "no", "value": "up"},
    ):
        response = client.post("/api/feedback", json=body)
        assert response.status_code == 400
        _error(response)
    assert stub_rasa.received == []


def test_oversized_body_is_413(client: httpx.Client, stub_rasa: StubRasa) -> None:
    big = json.dumps({"sender": SENDER, "message": "a" * 100_000})
    response = client.post("/api/chat", content=big, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
    assert stub_rasa.received == []


def test_oversized_chunked_body_is_413(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"sender": "' + SENDER.encode() + b'", "message": "'
        for _ in range(40):
            yield b"a" * 1024
        yield b'"}'

    response = client.post("/api/chat", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_wrong_method_and_unknown_path_are_json(client: httpx.Client) -> None:
    assert client.get("/api/chat").status_code == 405
    response = client.get("/api/nope")
    assert response.status_code == 404
    _error(response)


def test_slow_rasa_answers_within_the_bound(client: httpx.Client, stub_rasa: StubRasa) -> None:
    stub_rasa.mode = "slow"
    started = time.monotonic()
    response = client.post("/api/chat", json={"sender": SENDER, "message": "hello"})
    assert response.status_code == 504
    assert _error(response)["code"] == "assistant_timeout"
    assert time.monotonic() - started < 3


def test_rasa_error_is_503(client: httpx.Client, stub_rasa: StubRasa) -> None:
    stub_rasa.mode = "error"
    response = client.post("/api/chat", json={"sender": SENDER, "message": "hello"})
    assert response.status_code == 503
    assert _error(response)["code"] == "assistant_unavailable"


def test_rasa_down_is_503_quickly(down_gateway_url: str) -> None:
    started = time.monotonic()
    response = httpx.post(
        down_gateway_url + "/api/chat",
        json={"sender": SENDER, "message": "hello"},
        trust_env=False,
    )
    assert response.status_code == 503
    assert time.monotonic() - started < 3
    health = httpx.get(down_gateway_url + "/api/health", trust_env=False).json()
    assert health == {"gateway": "ok", "rasa": "unreachable"}


def test_health_when_up(client: httpx.Client) -> None:
    assert client.get("/api/health").json() == {"gateway": "ok", "rasa": "ok"}


def test_config_gives_contacts(client: httpx.Client) -> None:
    config = client.get("/api/config").json()
    assert config["emergency_number"]
    assert config["care_team_phone"] == "+1 555 0100"
    assert config["max_message_chars"] == 1000


def test_config_gives_the_welcome_topics_from_the_assistants_titles(client: httpx.Client) -> None:
    buttons = client.get("/api/config").json()["welcome_buttons"]
    assert [b["title"] for b in buttons] == [
        TOPIC_TITLES[key] for key in ("what_is_crs", "symptoms_general", "when_to_call", "recovery_time")
    ]
    assert all(b["payload"] == b["title"] for b in buttons)


@pytest.fixture(scope="module")
def limited_url(stub_rasa: StubRasa) -> Iterator[str]:
    settings = gateway_settings(rasa_url=stub_rasa.url, rate_limit_enabled=True, rate_limit="5/minute")  # type: ignore[attr-defined]
    server = ServerThread(create_app(settings)).start()
    yield server.url
    server.stop()


def test_rate_limit_answers_429(limited_url: str, stub_rasa: StubRasa) -> None:
    with httpx.Client(base_url=limited_url, trust_env=False) as http:
        statuses = [
            http.post("/api/chat", json={"sender": SENDER, "message": f"q{i}"}).status_code for i in range(7)
        ]
        assert statuses == [200] * 5 + [429] * 2
        response = http.post("/api/feedback", json={"sender": SENDER, "value": "up"})
        assert response.status_code == 429
        assert _error(response)["code"] == "rate_limited"
    assert len(stub_rasa.received) == 5


# -- conversations: tokens the gateway issues ---------------------------------------------


def test_a_new_conversation_gets_a_token_rasa_never_sees(client: httpx.Client, stub_rasa: StubRasa) -> None:
    tokens = [client.post("/api/conversations") for _ in range(3)]
    assert [r.status_code for r in tokens] == [201] * 3
    token = tokens[0].json()["conversation"]
    assert len({r.json()["conversation"] for r in tokens}) == 3
    assert client.post("/api/chat", json={"sender": token, "message": "What is CRS?"}).status_code == 200
    seen = stub_rasa.received[-1]["sender"]
    assert seen == IDS.open(token) and token not in seen and token.split(".")[0] not in seen


@pytest.mark.parametrize(
    "chosen",
    [
        "aaaaaaaa",  # an id the client chose, as the old widget did
        "parent-0001",
        RASA_SENDER,  # the id staff see in the console is not a key to the conversation
        SENDER[:-1] + ("A" if SENDER[-1] != "A" else "B"),  # a forged tag
        IDS.issue().split(".")[0] + "." + SENDER.split(".")[1],  # another nonce under this tag
    ],
)
def test_a_token_the_gateway_did_not_issue_is_refused(
    client: httpx.Client, stub_rasa: StubRasa, chosen: str
) -> None:
    response = client.post("/api/chat", json={"sender": chosen, "message": "my child has a fever"})
    assert response.status_code == 400 and _error(response)["code"] == "invalid_conversation"
    feedback = client.post("/api/feedback", json={"sender": chosen, "value": "down"})
    assert feedback.status_code == 400
    assert stub_rasa.received == []


def test_a_token_of_another_gateway_secret_is_refused(client: httpx.Client) -> None:
    from web.chat.conversation_ids import ConversationIds

    other = ConversationIds("another-deployment-secret-0123456789abcdef").issue()
    assert client.post("/api/chat", json={"sender": other, "message": "hi"}).status_code == 400


@pytest.fixture(scope="module")
def bounded_url(stub_rasa: StubRasa) -> Iterator[str]:
    settings = gateway_settings(
        rasa_url=stub_rasa.url,  # type: ignore[attr-defined]
        rate_limit_enabled=True,
        new_conversation_rate="3/hour",
        conversation_message_limit="4/day",
    )
    server = ServerThread(create_app(settings)).start()
    yield server.url
    server.stop()


def test_one_network_may_start_only_so_many_conversations(bounded_url: str) -> None:
    with httpx.Client(base_url=bounded_url, trust_env=False) as http:
        statuses = [http.post("/api/conversations").status_code for _ in range(5)]
        refused = http.post("/api/conversations")
    assert statuses == [201] * 3 + [429] * 2
    assert _error(refused)["code"] == "rate_limited"


def test_a_full_conversation_is_409_and_a_new_one_carries_on(bounded_url: str, stub_rasa: StubRasa) -> None:
    token = IDS.issue()
    with httpx.Client(base_url=bounded_url, trust_env=False) as http:
        statuses = [
            http.post("/api/chat", json={"sender": token, "message": f"q{i}"}).status_code for i in range(5)
        ]
        full = http.post("/api/chat", json={"sender": token, "message": "she is hard to wake"})
        fresh = http.post("/api/chat", json={"sender": IDS.issue(), "message": "she is hard to wake"})
    assert statuses == [200] * 4 + [409]
    assert full.status_code == 409 and _error(full)["code"] == "conversation_full"
    assert fresh.status_code == 200
    assert len(stub_rasa.received) == 5
