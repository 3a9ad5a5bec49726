import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from web.chat.errors import ChatError
from web.chat.validation import (
    check_feedback_value,
    check_message_id,
    clean_message,
    clean_quick_reply,
    feedback_command,
    intent_payload,
)

INTENTS = frozenset({"faq/what_is_crs", "greet"})


@pytest.mark.parametrize("text", ["", "   ", "\n\t  \n", "\u200b", "\x00\x01", "///", " / / "])
def test_empty_messages_are_rejected(text: str) -> None:
    with pytest.raises(ChatError) as info:
        clean_message(text, 1000)
    assert info.value.code == "empty_message"


def test_message_over_the_limit_is_rejected() -> None:
    assert clean_message("a" * 1000, 1000) == "a" * 1000
    with pytest.raises(ChatError) as info:
        clean_message("a" * 1001, 1000)
    assert info.value.code == "message_too_long"
    assert "1000" in info.value.message


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("/greet", "greet"),
        ('/feedback{"feedback_value":"up"}', 'feedback{"feedback_value":"up"}'),
        ("  //faq/what_is_crs", "faq/what_is_crs"),
        (" / /restart", "restart"),
        ("what is a/b test", "what is a/b test"),
    ],
)
def test_leading_slashes_cannot_inject_an_intent(raw: str, cleaned: str) -> None:
    assert clean_message(raw, 1000) == cleaned


def test_control_characters_are_dropped_and_newlines_kept() -> None:
    assert clean_message("fever\x00 and\x07 rash\nsince\ttoday\u202e", 1000) == "fever and rash\nsince today"


def test_unicode_is_normalised() -> None:
    assert clean_message("cafe\u0301 ¿qué es CRS? 发烧", 1000) == "café ¿qué es CRS? 发烧"


def test_feedback_values() -> None:
    assert check_feedback_value("up") == "up"
    assert feedback_command("down") == '/feedback{"feedback_value":"down"}'
    with pytest.raises(ChatError):
        check_feedback_value("sideways")


def test_message_ids() -> None:
    assert check_message_id(None) is None
    assert check_message_id("abc123") == "abc123"
    with pytest.raises(ChatError):
        check_message_id("<script>")


@settings(max_examples=2000, deadline=None, database=None)
@given(st.text(max_size=1100))
def test_cleaned_messages_are_safe_to_forward(text: str) -> None:
    try:
        cleaned = clean_message(text, 1000)
    except ChatError as error:
        assert error.code in ("empty_message", "message_too_long")
        return
    assert cleaned and cleaned == cleaned.strip()
    assert not cleaned.startswith("/")
    assert len(cleaned) <= 1000
    assert all(c == "\n" or unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn") for c in cleaned)


@pytest.mark.parametrize("payload", ["/faq/what_is_crs", "/greet"])
def test_allowed_intent_payloads(payload: str) -> None:
    assert intent_payload(payload, INTENTS) == payload
    assert clean_quick_reply(payload, 1000, INTENTS) == payload


@pytest.mark.parametrize(
    ("payload", "forwarded"),
    [
        ("/restart", "restart"),
        ("/faq/recovery_time", "faq/recovery_time"),
        ('/greet{"name":"x"}', 'greet{"name":"x"}'),
        ("/greet@1.0", "greet@1.0"),
        (" /greet", "greet"),
        ("What is CRS?", "What is CRS?"),
    ],
)
def test_other_quick_replies_are_cleaned_like_typed_text(payload: str, forwarded: str) -> None:
    assert intent_payload(payload, INTENTS) is None
    assert clean_quick_reply(payload, 1000, INTENTS) == forwarded


@settings(max_examples=2000, deadline=None, database=None)
@given(st.one_of(st.text(max_size=300), st.sampled_from(sorted(INTENTS)).map(lambda i: "/" + i + "x")))
def test_a_quick_reply_reaches_rasa_as_an_allowed_intent_or_as_text(text: str) -> None:
    try:
        forwarded = clean_quick_reply(text, 1000, INTENTS)
    except ChatError as error:
        assert error.code in ("empty_message", "message_too_long")
        return
    assert not forwarded.startswith("/") or forwarded[1:] in INTENTS
