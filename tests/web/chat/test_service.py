import pytest
from webtest_support import StubRasa, run_async

from web.chat import service
from web.chat.errors import ChatError
from web.chat.rasa_client import RasaClient


def _run(stub: StubRasa, fn, *args):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        client = RasaClient(stub.url, 1.0, 1.0)  # type: ignore[attr-defined]
        try:
            return await fn(client, *args)
        finally:
            await client.aclose()

    return run_async(go)


def test_ask_cleans_the_message_and_shapes_the_answer(stub_rasa: StubRasa) -> None:
    messages = _run(stub_rasa, service.ask, "sender-123", "  /emergency help\x00", 1000)
    assert stub_rasa.received[-1]["message"] == "emergency help"
    assert messages[0].urgent and messages[0].level == "emergency"


def test_ask_forwards_nothing_when_invalid(stub_rasa: StubRasa) -> None:
    with pytest.raises(ChatError):
        _run(stub_rasa, service.ask, "sender-123", " ", 1000)
    assert stub_rasa.received == []


def test_feedback_sends_the_intent_with_metadata(stub_rasa: StubRasa) -> None:
    messages = _run(stub_rasa, service.give_feedback, "sender-123", "up", "abc123")
    assert stub_rasa.received[-1] == {
        "sender": "sender-123",
        "message": '/feedback{"feedback_value":"up"}',
        "metadata": {"rated_message_id": "abc123"},
    }
    assert "care team" in messages[0].text


def test_a_message_rasa_says_nothing_to_is_an_error_not_silence(stub_rasa: StubRasa) -> None:
    stub_rasa.mode = "empty"
    with pytest.raises(ChatError) as error:
        _run(stub_rasa, service.ask, "sender-123", "blorp zzxq", 1000)
    assert (error.value.status, error.value.code) == (502, "no_answer")
    assert _run(stub_rasa, service.give_feedback, "sender-123", "up", None) == []
