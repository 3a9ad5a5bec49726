"""Conversations replayed from Rasa's events: one part of a conversation's transcript for
its page, every message for the CSV export, and (as a reference and a fallback) whole
conversations with their start, turns, topics, flags and review state.

A conversation is everything one sender id said and was told, as stored by
Rasa's SQLTrackerStore. Its page shows one part of it (`load_part`), its header facts come
from the summary (`conversation_facts`), and the export reads it a bounded batch of events
at a time (`export_batches`), so neither costs more for a longer conversation. Parent
messages the summary has read take their redacted text and flags from it
(``console_messages``): nothing is redacted again, and an action outside the events read
still flags the message it followed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from sqlalchemy import Connection, Engine, Select, case, func, select

from web.console.services.listing import ConversationRow, summary_row
from web.console.services.messages import (
    EVENT_TYPES,
    NOT_UNDERSTOOD,
    OUT_OF_SCOPE,
    URGENT,
    Message,
    build_messages,
    parse_user,
)
from web.console.tables import events, reviews, tags
from web.console.tables import messages as summary_messages

PART_SIZE = 200  # messages (parent messages, replies, ratings) per part of a conversation's page
EXPORT_BATCH = 2000  # events per read of the CSV export
SHOWN_TYPES = ("user", "bot")  # the events that are messages (actions only flag them)


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
    who writes again puts it back in the review queue; `web.console.services.listing`).
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


def conversation_facts(conn: Connection, sender_id: str, low_confidence: float) -> ConversationRow | None:
    """The header of a conversation's page (start, turns, topics, flags, review state, tags):
    its summary row, or, until the summary has one, replayed from all its events (parsed,
    never redacted)."""
    found = summary_row(conn, sender_id, low_confidence)
    if found is not None:
        return found
    replayed = load_conversation(conn, sender_id, low_confidence)
    if replayed is None:
        return None
    return ConversationRow(
        sender_id=sender_id,
        started=replayed.started,
        last=replayed.last,
        turns=replayed.turns,
        preview="",
        topics=tuple(replayed.topics),
        flags=frozenset(replayed.flags),
        reviewed=replayed.reviewed,
        tags=tuple(replayed.tags),
        lowest_confidence=replayed.lowest_confidence,
    )


# -- the summary's redacted text and flags for replayed parent messages --------------

_SUMMARY_COLUMNS = (
    summary_messages.c.text_redacted.label("summary_text"),
    summary_messages.c.urgent.label("summary_urgent"),
    summary_messages.c.fallback.label("summary_fallback"),
    summary_messages.c.out_of_scope.label("summary_out_of_scope"),
)


def _event_rows_query(*where: Any) -> Select[Any]:
    """Events (messages and actions), each with its ``console_messages`` row if any."""
    joined = events.outerjoin(summary_messages, summary_messages.c.event_id == events.c.id)
    query = select(events, *_SUMMARY_COLUMNS).select_from(joined)
    return query.where(events.c.type_name.in_(EVENT_TYPES), *where)


def replay(rows: Sequence[Mapping[str, Any]], low_confidence: float) -> list[Message]:
    """`build_messages` on rows of `_event_rows_query`, completed by the summary: a parent
    message it has read takes its redacted text, and its flags are added (an action that
    flagged it may lie outside ``rows``)."""
    found = build_messages(rows, low_confidence)
    known = {int(r["id"]): r for r in rows if r.get("summary_text") is not None}
    for message in found:
        row = known.get(message.event_id)
        if row is None or message.kind != "user":
            continue
        message.summary_text = str(row["summary_text"])
        for flag, on in ((URGENT, row["summary_urgent"]), (NOT_UNDERSTOOD, row["summary_fallback"]),
                         (OUT_OF_SCOPE, row["summary_out_of_scope"])):  # fmt: skip
            if on:
                message.flags.add(flag)
    return found


# -- one part of a conversation's page ----------------------------------------------


@dataclass(frozen=True)
class Part:
    """At most `PART_SIZE` consecutive messages of a conversation, oldest first, and where
    they are in it. A part is chosen by ``before``: the messages just before that event id
    (None: the latest messages)."""

    messages: list[Message]
    first: int  # position of the first message in the conversation, from 1
    total: int  # messages in the conversation
    before: int | None  # what selects this part (None: it is the latest part)
    earlier: int | None  # ``before`` of the part before this one; None: this one starts the conversation
    later: int | None  # ``before`` of the part after this one; None: the latest part (or this is it)
    has_later: bool

    @property
    def last(self) -> int:
        return self.first + len(self.messages) - 1

    @property
    def has_earlier(self) -> bool:
        return self.earlier is not None


def load_part(
    conn: Connection, sender_id: str, low_confidence: float, before: int | None = None
) -> Part | None:
    """The part of ``sender_id``'s conversation that ends just before event ``before`` (the
    latest part when None, or when nothing comes before it); None if it has no messages.

    A handful of queries on event ids, then at most `PART_SIZE` messages (with the actions
    between them) parsed; the summary completes their text and flags (`replay`)."""
    size = PART_SIZE
    shown = (events.c.sender_id == sender_id, events.c.type_name.in_(SHOWN_TYPES))

    def ids(*where: Any, newest_first: bool) -> list[int]:
        order = events.c.id.desc() if newest_first else events.c.id
        query = select(events.c.id).where(*shown, *where).order_by(order).limit(size + 1)
        return [int(i) for i in conn.execute(query).scalars()]

    upto = ids(*(() if before is None else (events.c.id < before,)), newest_first=True)
    if not upto and before is not None:
        before, upto = None, ids(newest_first=True)
    if not upto:
        return None
    part_ids = upto[:size][::-1]
    after = ids(events.c.id > part_ids[-1], newest_first=False)
    if not after:
        before = None  # nothing later: this is the latest part
    counts = select(func.count(), func.count(case((events.c.id < part_ids[0], 1)))).where(*shown)
    total, earlier_count = conn.execute(counts).one()
    window = [events.c.sender_id == sender_id, events.c.id >= part_ids[0]]
    if after:
        window.append(events.c.id < after[0])  # up to the next message: the actions in between
    rows = [dict(r._mapping) for r in conn.execute(_event_rows_query(*window).order_by(events.c.id))]
    return Part(
        messages=replay(rows, low_confidence),
        first=int(earlier_count) + 1,
        total=int(total),
        before=before,
        earlier=part_ids[0] if len(upto) > size else None,
        later=after[size] if len(after) > size else None,
        has_later=bool(after),
    )


# -- every message, for the CSV export ----------------------------------------------


def _event_counts(conn: Connection, sender_ids: Sequence[str]) -> dict[str, int]:
    query = (
        select(events.c.sender_id, func.count())
        .where(events.c.sender_id.in_(list(sender_ids)), events.c.type_name.in_(EVENT_TYPES))
        .group_by(events.c.sender_id)
    )
    return {str(sender): int(n) for sender, n in conn.execute(query)}


def _groups(sender_ids: Sequence[str], counts: Mapping[str, int], size: int) -> Iterator[list[str]]:
    """Consecutive senders with at most ``size`` events between them (or one longer one)."""
    group: list[str] = []
    total = 0
    for sender_id in sender_ids:
        n = counts.get(sender_id, 0)
        if not n:
            continue
        if group and total + n > size:
            yield group
            group, total = [], 0
        group.append(sender_id)
        total += n
    if group:
        yield group


def _pending_from(rows: Sequence[Mapping[str, Any]]) -> int:
    """Where the rows a later action could still change start: the last parent message
    (``len(rows)`` when there is none)."""
    for index in range(len(rows) - 1, -1, -1):
        row = rows[index]
        if row["type_name"] == "user" and parse_user(row, 0.0).kind == "user":
            return index
    return len(rows)


def _long_conversation(
    engine: Engine, sender_id: str, low_confidence: float, size: int
) -> Iterator[list[Conversation]]:
    """One conversation of more than ``size`` events, ``size`` events per read (keyset on the
    id). The last parent message of a read waits for the next one, whose actions may flag it."""
    pending: list[dict[str, Any]] = []
    last_id = -1
    while True:
        with engine.connect() as conn:
            query = _event_rows_query(events.c.sender_id == sender_id, events.c.id > last_id)
            rows = [dict(r._mapping) for r in conn.execute(query.order_by(events.c.id).limit(size))]
        if not rows:
            break
        last_id = int(rows[-1]["id"])
        buffer = pending + rows
        cut = _pending_from(buffer)
        if cut == 0 and len(buffer) <= size:
            pending = buffer
            continue
        cut = cut or len(buffer)  # at most two reads' events held: past that, the summary's flags
        pending = buffer[cut:]
        found = replay(buffer[:cut], low_confidence)
        if found:
            yield [Conversation(sender_id, found)]
    if pending and (found := replay(pending, low_confidence)):
        yield [Conversation(sender_id, found)]


def export_batches(
    engine: Engine, sender_ids: Sequence[str], low_confidence: float, size: int | None = None
) -> Iterator[list[Conversation]]:
    """The messages of ``sender_ids``, in that order, read about ``size`` (`EXPORT_BATCH`)
    events at a time, each read in its own short transaction (a long read would hold SQLite's
    lock against Rasa's writes). Each batch lists conversations, or consecutive pieces of a
    long one; their review state and tags are not read."""
    size = size or EXPORT_BATCH
    with engine.connect() as conn:
        counts = _event_counts(conn, sender_ids)
    for group in _groups(sender_ids, counts, size):
        if len(group) == 1 and counts[group[0]] > size:
            yield from _long_conversation(engine, group[0], low_confidence, size)
            continue
        with engine.connect() as conn:
            query = _event_rows_query(events.c.sender_id.in_(group)).order_by(events.c.sender_id, events.c.id)
            rows = [dict(r._mapping) for r in conn.execute(query)]
        by_sender = {sid: list(found) for sid, found in groupby(rows, key=lambda r: str(r["sender_id"]))}
        replayed = [Conversation(sid, replay(by_sender.get(sid, []), low_confidence)) for sid in group]
        if batch := [c for c in replayed if c.messages]:
            yield batch
