"""Conversation summaries for the list: start time, turns, topics, flags, review state.

A conversation is everything one sender id said and was told, as stored by
Rasa's SQLTrackerStore.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby

from sqlalchemy import Connection, select

from web.console.messages import EVENT_TYPES, Message, build_messages
from web.console.tables import events, reviews, tags


@dataclass
class Conversation:
    sender_id: str
    messages: list[Message]
    reviewed: bool = False
    tags: list[str] = field(default_factory=list)

    @property
    def started(self) -> float:
        return min((m.timestamp for m in self.messages), default=0.0)

    @property
    def last(self) -> float:
        return max((m.timestamp for m in self.messages), default=0.0)

    @property
    def user_messages(self) -> list[Message]:
        return [m for m in self.messages if m.kind == "user"]

    @property
    def turns(self) -> int:
        return len(self.user_messages)

    @property
    def topics(self) -> list[str]:
        seen: list[str] = []
        for message in self.user_messages:
            if message.topic and message.topic not in seen:
                seen.append(message.topic)
        return seen

    @property
    def flags(self) -> set[str]:
        return set().union(*(m.flags for m in self.messages)) if self.messages else set()

    @property
    def lowest_confidence(self) -> float | None:
        values = [
            c for m in self.user_messages for c in (m.confidence, m.response_confidence) if c is not None
        ]
        return min(values, default=None)


def _event_rows(conn: Connection, sender_ids: Sequence[str] | None) -> Iterable[dict]:
    query = select(events).where(events.c.type_name.in_(EVENT_TYPES))
    if sender_ids is not None:
        query = query.where(events.c.sender_id.in_(list(sender_ids)))
    query = query.order_by(events.c.sender_id, events.c.id)
    return (dict(row._mapping) for row in conn.execute(query))


def _review_state(
    conn: Connection, sender_ids: Sequence[str] | None
) -> tuple[dict[str, float], dict[str, list[str]]]:
    """When each conversation was marked reviewed, and its tags."""
    review_query = select(reviews).where(reviews.c.reviewed)
    tag_query = select(tags).order_by(tags.c.tag)
    if sender_ids is not None:
        review_query = review_query.where(reviews.c.sender_id.in_(list(sender_ids)))
        tag_query = tag_query.where(tags.c.sender_id.in_(list(sender_ids)))
    reviewed = {row.sender_id: row.reviewed_at or 0.0 for row in conn.execute(review_query)}
    tag_map: dict[str, list[str]] = {}
    for row in conn.execute(tag_query):
        tag_map.setdefault(row.sender_id, []).append(row.tag)
    return reviewed, tag_map


def load_conversations(
    conn: Connection, low_confidence: float, sender_ids: Sequence[str] | None = None
) -> list[Conversation]:
    """The conversations of ``sender_ids`` in that order (all of them, newest first, when
    None), replayed from Rasa's events, with their review state.

    A conversation is reviewed when marked so after its last parent message (a parent
    who writes again puts it back in the review queue; `web.console.listing`).
    """
    reviewed_at, tag_map = _review_state(conn, sender_ids)
    found = {}
    for sid, rows in groupby(_event_rows(conn, sender_ids), key=lambda r: r["sender_id"]):
        messages = build_messages(rows, low_confidence)
        if not messages:
            continue
        conversation = Conversation(sid, messages, tags=tag_map.get(sid, []))
        last_user = max((m.timestamp for m in conversation.user_messages), default=None)
        conversation.reviewed = sid in reviewed_at and (last_user is None or reviewed_at[sid] >= last_user)
        found[sid] = conversation
    if sender_ids is not None:
        return [found[sid] for sid in sender_ids if sid in found]
    return sorted(found.values(), key=lambda c: c.started, reverse=True)


def load_conversation(conn: Connection, sender_id: str, low_confidence: float) -> Conversation | None:
    found = load_conversations(conn, low_confidence, [sender_id])
    return found[0] if found else None
