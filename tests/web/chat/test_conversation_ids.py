"""Conversation tokens: issued, checked, and never the id Rasa and staff see."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from web.chat.conversation_ids import ConversationIds, invalid_conversation
from web.chat.errors import ChatError

IDS = ConversationIds("unit-test-secret-0123456789abcdefghij")


def test_an_issued_token_opens_to_a_stable_sender_id_that_is_not_the_token() -> None:
    token = IDS.issue()
    sender = IDS.open(token)
    assert sender == IDS.open(token) and sender.startswith("c-") and len(sender) == 34
    assert token not in sender and token.split(".")[0] not in sender


def test_tokens_are_unique_and_their_sender_ids_too() -> None:
    tokens = {IDS.issue() for _ in range(2000)}
    assert len(tokens) == 2000
    assert len({IDS.open(t) for t in tokens}) == 2000


def test_a_token_of_another_secret_is_refused() -> None:
    other = ConversationIds("another-secret-0123456789abcdefghijkl")
    assert IDS.sender_of(other.issue()) is None
    with pytest.raises(ChatError) as info:
        IDS.open(other.issue())
    assert info.value.status == 400 and info.value.code == invalid_conversation().code


@pytest.mark.parametrize(
    "token", ["", "aaaaaaaa", "a" * 47, "x" * 24 + "." + "y" * 22, "../../etc/passwd", "é" * 47]
)
def test_chosen_or_malformed_tokens_are_refused(token: str) -> None:
    assert IDS.sender_of(token) is None


@given(st.one_of(st.text(max_size=80), st.integers(), st.none(), st.binary(max_size=60)))
def test_nothing_but_an_issued_token_opens(value: object) -> None:
    assert IDS.sender_of(value) is None


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 32"):
        ConversationIds("short")
    assert ConversationIds.ephemeral().sender_of(IDS.issue()) is None
