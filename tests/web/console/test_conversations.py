"""One conversation a part at a time (its page) and a batch of events at a time (the CSV)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine

from tests.web.console import rasa_rows
from tests.web.console.rasa_rows import action, bot, user
from web.console.services import conversations, messages, summary
from web.console.services.conversations import (
    Conversation,
    Part,
    conversation_facts,
    export_batches,
    load_conversations,
    load_part,
)
from web.console.services.messages import NOT_UNDERSTOOD, URGENT, Message

LOW = 0.6


def _insert(engine: Engine, rows: list[dict]) -> list[int]:
    with engine.begin() as conn:
        return rasa_rows.insert_rows(conn, rows)


def _part(engine: Engine, sender: str, before: int | None = None) -> Part:
    with engine.begin() as conn:
        found = load_part(conn, sender, LOW, before)
    assert found is not None
    return found


def _ids(found: list[Message]) -> list[int]:
    return [m.event_id for m in found]


def test_parts_cover_the_conversation_once_latest_first(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conversations, "PART_SIZE", 7)
    with engine.begin() as conn:
        ids = rasa_rows.long_conversation(conn, "long", 25)  # 50 messages
    latest = _part(engine, "long")
    assert (latest.first, latest.last, latest.total) == (44, 50, 50)
    assert _ids(latest.messages) == ids[-7:] and latest.before is None and not latest.has_later
    seen, part = [], latest
    while part.has_earlier:
        seen = _ids(part.messages) + seen
        part = _part(engine, "long", part.earlier)
    assert (part.first, part.last) == (1, 1) and part.messages[0].text.startswith("question 0001")
    assert _ids(part.messages) + seen == ids  # every message once, in order
    forward = [part.first]
    while part.has_later:
        part = _part(engine, "long", part.later)
        forward.append(part.first)
    assert forward == [1, 2, 9, 16, 23, 30, 37, 44] and part == latest
    beyond = _part(engine, "long", ids[-1] + 1000)  # later than everything: the latest part
    assert beyond.before is None and _ids(beyond.messages) == ids[-7:]
    assert _part(engine, "long", 1).before is None  # nothing before it: the latest part


def test_a_part_keeps_the_flags_of_its_last_message_set_by_an_action_after_it(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The part after starts right after a parent message, and the urgent reply that flags
    it comes after the next message: only the summary knows the flag."""
    monkeypatch.setattr(conversations, "PART_SIZE", 3)
    now = time.time()
    ids = _insert(engine, [
        user("b", "hello", "greet", 0.99, ts=now - 60),
        bot("b", "Hi! Ask me about CRS.", ts=now - 59),
        user("b", "his lips are a bit blue", "faq", 0.9, "faq/symptoms_general", 0.9, ts=now - 50),
        bot("b", "Please call your care team now.", ts=now - 49),
        action("b", "utter_urgent", ts=now - 49),
        user("b", "ok thanks", "thank", 0.99, ts=now - 40),
        bot("b", "You're welcome.", ts=now - 39),
    ])  # fmt: skip
    latest = _part(engine, "b")
    assert _ids(latest.messages) == [ids[3], ids[5], ids[6]] and latest.earlier == ids[3]
    assert all(URGENT not in m.flags for m in latest.messages)  # an action before any parent message
    earlier = _part(engine, "b", latest.earlier)
    assert _ids(earlier.messages) == ids[:3]
    assert earlier.messages[2].flags == set()  # the summary has not read it yet
    summary.sync(engine)
    earlier = _part(engine, "b", latest.earlier)
    assert earlier.messages[2].flags == {URGENT}
    assert all(URGENT not in m.flags for m in _part(engine, "b").messages)
    with engine.begin() as conn:
        facts = conversation_facts(conn, "b", LOW)
    assert facts is not None and URGENT in facts.flags


def test_an_action_between_a_part_and_the_next_message_flags_without_the_summary(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conversations, "PART_SIZE", 3)
    ids = _insert(engine, [
        user("f", "hello", "greet", 0.99),
        bot("f", "Hi!"),
        user("f", "asdf qwer", "greet", 0.95),
        action("f", "action_two_stage_fallback"),
        bot("f", "Did you mean...?"),
        user("f", "what is crs", "faq", 0.97, "faq/what_is_crs", 0.93),
        bot("f", "CRS is..."),
    ])  # fmt: skip
    earlier = _part(engine, "f", ids[4])
    assert _ids(earlier.messages) == ids[:3] and earlier.messages[2].flags == {NOT_UNDERSTOOD}


def test_summarised_messages_are_not_redacted_again(
    engine: Engine, samples: dict[str, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _part(engine, "faq-1").messages[0].redacted_text  # the summary has not read it: redacted now
    assert "Liam" not in before and "<NAME>" in before
    summary.sync(engine)

    def refuse(text: str) -> str:
        raise AssertionError("redacted again")

    monkeypatch.setattr(messages, "redact", refuse)
    after = _part(engine, "faq-1").messages[0]
    assert after.redacted_text == before and "Liam" in after.text


def test_the_header_comes_from_the_summary_or_until_then_from_the_events(
    engine: Engine, samples: dict[str, list[int]]
) -> None:
    with engine.begin() as conn:
        replayed = {s: conversation_facts(conn, s, LOW) for s in samples}
    summary.sync(engine)
    with engine.begin() as conn:
        summarised = {s: conversation_facts(conn, s, LOW) for s in samples}
        assert conversation_facts(conn, "nobody", LOW) is None
        assert load_part(conn, "nobody", LOW) is None
    for sender in samples:
        old, new = replayed[sender], summarised[sender]
        assert old is not None and new is not None
        assert (old.started, old.turns, old.topics, old.flags, old.reviewed, old.tags) == (
            new.started, new.turns, new.topics, new.flags, new.reviewed, new.tags,
        ), sender  # fmt: skip


def _flat(batches: list[list[Conversation]]) -> dict[str, list[tuple[int, str, set[str], str]]]:
    found: dict[str, list[tuple[int, str, set[str], str]]] = {}
    for batch in batches:
        for conversation in batch:
            found.setdefault(conversation.sender_id, []).extend(
                (m.event_id, m.kind, m.flags, m.redacted_text) for m in conversation.messages
            )
    return found


@pytest.mark.parametrize("summarised", [False, True])
def test_export_batches_are_bounded_and_replay_like_the_whole_conversation(
    engine: Engine, samples: dict[str, list[int]], summarised: bool
) -> None:
    with engine.begin() as conn:
        rasa_rows.long_conversation(conn, "long", 12)
    if summarised:
        summary.sync(engine)
    senders = ["long", "fallback-1", "urgent-1", "oos-1", "faq-1", "nobody"]
    batches = list(export_batches(engine, senders, LOW, size=2))
    assert all(sum(len(c.messages) for c in batch) <= 4 for batch in batches)
    with engine.begin() as conn:
        whole = _flat([load_conversations(conn, LOW, senders)])
    assert list(_flat(batches)) == senders[:-1]  # in the order asked
    assert _flat(batches) == whole
    assert len(list(export_batches(engine, senders, LOW, size=1000))) == 1  # small ones: one read
