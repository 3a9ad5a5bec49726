"""The console's summary of Rasa's events, kept up to date incrementally.

Rasa's SQLTrackerStore appends events; replaying all of them for every list, filter or
export stops answering after a year of use. `sync` reads only the events it has not
summarised yet (by id, from a watermark in ``console_sync``) and keeps two tables:

- ``console_messages``: one row per parent message or thumbs rating: topic, lowest
  confidence, flags, the redacted text (and its casefolded copy for search);
- ``console_conversations``: one row per conversation: start, last message, turns, a
  redacted preview, topics, flags, lowest confidence.

Reading is idempotent: a message already summarised is skipped, an action's flag is set
again, a conversation's row is recomputed from its messages. That makes re-reading safe,
which matters on PostgreSQL, where ids are handed out before transactions commit: an id
missing below the highest one read may still appear, so missing ids next to recent
events are read again for `RECHECK_SECONDS` (while the watermark moves on). Each batch
first updates the ``console_sync`` row, which serialises
concurrent syncs (several console workers) on both SQLite and PostgreSQL.

Whether a conversation is "not understood" depends on the configured low-confidence
threshold, so the tables keep the confidence and the fallback mark, and the threshold is
applied when querying (`web.console.services.listing`).
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from assistant.names import FALLBACK_ACTIONS, FALLBACK_INTENT, OUT_OF_SCOPE_INTENT
from web.console.services.messages import EVENT_TYPES, URGENT, URGENT_ACTIONS, parse_bot, parse_user
from web.console.tables import conversations, events, messages, sync_state

BATCH_SIZE = 5000
RECHECK_SECONDS = 300.0
MAX_GAPS = 1000  # missing ids remembered at most
PREVIEW_CHARS = 160
_CHUNK = 500  # senders per IN (...) clause
DAY = 86400


@dataclass
class _Batch:
    """What one batch of events changes."""

    new_messages: list[dict[str, Any]] = field(default_factory=list)
    flags: dict[int, set[str]] = field(default_factory=dict)  # user message event id -> flags
    times: dict[str, tuple[float, float]] = field(default_factory=dict)  # sender -> (first, last)

    def seen(self, sender_id: str, timestamp: float) -> None:
        first, last = self.times.get(sender_id, (timestamp, timestamp))
        self.times[sender_id] = (min(first, timestamp), max(last, timestamp))


def _lowest(*values: float | None) -> float | None:
    return min((v for v in values if v is not None), default=None)


def message_row(row: Mapping[str, Any], rated_topic: str | None) -> dict[str, Any]:
    """The ``console_messages`` row of a ``user`` event (a parent message or a rating)."""
    message = parse_user(row, 0.0)
    text = message.redacted_text
    is_rating = message.kind == "feedback"
    return {
        "event_id": message.event_id,
        "sender_id": message.sender_id,
        "timestamp": message.timestamp,
        "day": int(message.timestamp // DAY),
        "kind": message.kind,
        "intent": (message.intent or "")[:128] or None,
        "topic": (rated_topic if is_rating else message.topic),
        "confidence": None if is_rating else _lowest(message.confidence, message.response_confidence),
        "urgent": URGENT in message.flags,
        "fallback": message.intent == FALLBACK_INTENT,
        "out_of_scope": message.intent == OUT_OF_SCOPE_INTENT,
        "feedback": message.feedback_value[:8] if is_rating and message.feedback_value else None,
        "text_redacted": "" if is_rating else text,
        "text_folded": "" if is_rating else text.casefold(),
    }


class _LastUser:
    """The latest parent message (event id, topic) of each sender before a given event:
    from this batch, else from ``console_messages``."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.latest: dict[str, tuple[int, str | None]] = {}

    def before(self, sender_id: str, event_id: int) -> tuple[int, str | None] | None:
        known = self.latest.get(sender_id)
        if known is not None and known[0] < event_id:
            return known
        query = (
            select(messages.c.event_id, messages.c.topic)
            .where(
                messages.c.sender_id == sender_id,
                messages.c.kind == "user",
                messages.c.event_id < event_id,
            )
            .order_by(messages.c.event_id.desc())
            .limit(1)
        )
        found = self.conn.execute(query).first()
        return (int(found.event_id), found.topic) if found else None

    def record(self, sender_id: str, event_id: int, topic: str | None) -> None:
        known = self.latest.get(sender_id)
        if known is None or known[0] < event_id:
            self.latest[sender_id] = (event_id, topic)


def _read_batch(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> _Batch:
    batch = _Batch()
    user_ids = [int(r["id"]) for r in rows if r["type_name"] == "user"]
    done: set[int] = set()
    for start in range(0, len(user_ids), _CHUNK):
        chunk = user_ids[start : start + _CHUNK]
        done.update(conn.execute(select(messages.c.event_id).where(messages.c.event_id.in_(chunk))).scalars())
    last_user = _LastUser(conn)
    for row in rows:
        kind, sender_id, event_id = row["type_name"], str(row["sender_id"]), int(row["id"])
        if kind == "user":
            previous = last_user.before(sender_id, event_id)
            summary = message_row(row, previous[1] if previous else None)
            batch.seen(sender_id, summary["timestamp"])
            if summary["kind"] == "user":
                last_user.record(sender_id, event_id, summary["topic"])
            if event_id not in done:
                batch.new_messages.append(summary)
        elif kind == "bot":
            batch.seen(sender_id, parse_bot(row).timestamp)
        elif kind == "action":
            action = row.get("action_name")
            flag = (
                "urgent" if action in URGENT_ACTIONS else "fallback" if action in FALLBACK_ACTIONS else None
            )
            target = last_user.before(sender_id, event_id) if flag else None
            if flag and target:
                batch.flags.setdefault(target[0], set()).add(flag)
                batch.times.setdefault(sender_id, (float("inf"), 0.0))  # recompute its summary
    return batch


def _apply_flags(conn: Connection, flags: Mapping[int, set[str]], new: list[dict[str, Any]]) -> None:
    pending = {m["event_id"]: m for m in new}
    for event_id, names in flags.items():
        if event_id in pending:
            for name in names:
                pending[event_id][name] = True
        else:
            conn.execute(
                update(messages).where(messages.c.event_id == event_id).values(dict.fromkeys(names, True))
            )


def _summaries(conn: Connection, senders: list[str], times: Mapping[str, tuple[float, float]]) -> None:
    """Recompute the ``console_conversations`` rows of ``senders`` from their messages."""
    existing = {
        r.sender_id: (r.started, r.last)
        for r in conn.execute(
            select(conversations.c.sender_id, conversations.c.started, conversations.c.last).where(
                conversations.c.sender_id.in_(senders)
            )
        )
    }
    query = (
        select(
            messages.c.sender_id, messages.c.kind, messages.c.timestamp, messages.c.topic,
            messages.c.confidence, messages.c.urgent, messages.c.fallback, messages.c.out_of_scope,
            messages.c.feedback, messages.c.text_redacted,
        )
        .where(messages.c.sender_id.in_(senders))
        .order_by(messages.c.sender_id, messages.c.event_id)
    )  # fmt: skip
    grouped: dict[str, list[Any]] = {}
    for row in conn.execute(query):
        grouped.setdefault(row.sender_id, []).append(row)
    rows = []
    for sender_id in senders:
        found = grouped.get(sender_id, [])
        user = [m for m in found if m.kind == "user"]
        stamps = [m.timestamp for m in found]
        first, last = times.get(sender_id, (float("inf"), 0.0))
        old_first, old_last = existing.get(sender_id, (float("inf"), 0.0))
        started = min([first, old_first, *stamps])
        if started == float("inf"):
            continue  # only actions so far: nothing a reviewer would see
        topics: list[str] = []
        for m in user:
            if m.topic and m.topic not in topics:
                topics.append(m.topic)
        rows.append({
            "sender_id": sender_id,
            "started": started,
            "last": max([last, old_last, *stamps]),
            "last_user_at": max((m.timestamp for m in user), default=None),
            "turns": len(user),
            "preview": user[0].text_redacted[:PREVIEW_CHARS] if user else "",
            "topics": "\n".join(topics),
            "urgent": any(m.urgent for m in user),
            "fallback": any(m.fallback for m in user),
            "out_of_scope": any(m.out_of_scope for m in user),
            "thumbs_down": any(m.kind == "feedback" and m.feedback == "down" for m in found),
            "lowest_confidence": min((m.confidence for m in user if m.confidence is not None), default=None),
        })  # fmt: skip
    conn.execute(delete(conversations).where(conversations.c.sender_id.in_(senders)))
    if rows:
        conn.execute(insert(conversations), rows)


def _missing(ids: Iterable[int], after: int, upto: int) -> list[int]:
    """The highest `MAX_GAPS` ids in (``after``, ``upto``] absent from the sorted ``ids``
    (the ids nearest the top are the ones an open transaction may still commit)."""
    missing: deque[int] = deque(maxlen=MAX_GAPS)
    expected = after + 1
    for event_id in [*ids, upto + 1]:
        end = min(event_id, upto + 1)
        missing.extend(range(max(expected, end - MAX_GAPS), end))
        expected = event_id + 1
    return list(missing)


def _recreate_state(conn: Connection, now: float) -> None:
    """Insert the watermark row unless another sync just did, then lock it."""
    values = {"id": 1, "last_event_id": 0, "gaps": "[]", "updated_at": now}
    if conn.dialect.name == "postgresql":
        conn.execute(pg_insert(sync_state).values(values).on_conflict_do_nothing())
    else:
        conn.execute(sqlite_insert(sync_state).values(values).on_conflict_do_nothing())
    conn.execute(update(sync_state).where(sync_state.c.id == 1).values(updated_at=now))


def _select_events(*where: Any) -> Any:
    return select(events).where(events.c.type_name.in_(EVENT_TYPES), *where).order_by(events.c.id)


def sync_batch(conn: Connection, batch_size: int = BATCH_SIZE, now: float | None = None) -> tuple[int, bool]:
    """Summarise up to ``batch_size`` unread events in ``conn``'s transaction, and any
    recently missing id that has appeared since. Returns (events read, more waiting)."""
    now = time.time() if now is None else now
    # Updating the row takes the lock (the migration creates it; recreate it if it was removed).
    touched = conn.execute(update(sync_state).where(sync_state.c.id == 1).values(updated_at=now)).rowcount
    if not touched:
        _recreate_state(conn, now)
    state = conn.execute(select(sync_state).where(sync_state.c.id == 1)).one()
    start = int(state.last_event_id)
    gaps = {int(i): float(seen) for i, seen in json.loads(state.gaps or "[]")}
    rows = [dict(r._mapping) for r in conn.execute(_select_events(events.c.id > start).limit(batch_size))]
    more = len(rows) == batch_size
    if gaps:
        late = [dict(r._mapping) for r in conn.execute(_select_events(events.c.id.in_(list(gaps))))]
        for row in late:
            gaps.pop(int(row["id"]), None)
        rows = late + rows
    highest = max([start, *(int(r["id"]) for r in rows)])
    if rows:
        batch = _read_batch(conn, rows)
        _apply_flags(conn, batch.flags, batch.new_messages)
        for first in range(0, len(batch.new_messages), _CHUNK):
            conn.execute(insert(messages), batch.new_messages[first : first + _CHUNK])
        senders = sorted(batch.times)
        for first in range(0, len(senders), _CHUNK):
            _summaries(conn, senders[first : first + _CHUNK], batch.times)
        # Ids skipped by this read may belong to transactions still open; only recent
        # events can have such neighbours (retention's deletions leave old gaps).
        if max(float(r.get("timestamp") or 0.0) for r in rows) > now - RECHECK_SECONDS:
            present = conn.execute(
                select(events.c.id).where(events.c.id > start, events.c.id <= highest).order_by(events.c.id)
            ).scalars()
            for missing in _missing(present, start, highest):
                gaps.setdefault(missing, now)
    kept = sorted((i, seen) for i, seen in gaps.items() if seen > now - RECHECK_SECONDS)[-MAX_GAPS:]
    conn.execute(
        update(sync_state).where(sync_state.c.id == 1).values(last_event_id=highest, gaps=json.dumps(kept))
    )
    return len(rows), more


def sync(engine: Engine, batch_size: int = BATCH_SIZE, max_batches: int | None = None) -> int:
    """Summarise unread events, one transaction per batch; returns how many were read."""
    total = batches = 0
    while max_batches is None or batches < max_batches:
        with engine.begin() as conn:
            read, more = sync_batch(conn, batch_size)
        total, batches = total + read, batches + 1
        if not more:
            break
    return total


def redact_again_batch(conn: Connection, after: int, batch_size: int = BATCH_SIZE) -> tuple[int | None, int]:
    """Redact the stored text of the next ``batch_size`` parent messages after event ``after``
    again, with today's rules (after redaction learned a format: the list, search, insights,
    conversation pages and CSV show the stored text). Returns (the last event id read, None
    when there was none; how many rows changed); the changed conversations' previews follow."""
    query = (
        select(messages.c.event_id, messages.c.sender_id, messages.c.text_redacted, events.c.data)
        .join(events, events.c.id == messages.c.event_id)
        .where(messages.c.kind == "user", messages.c.event_id > after)
        .order_by(messages.c.event_id)
        .limit(batch_size)
    )
    rows = conn.execute(query).all()
    if not rows:
        return None, 0
    changed: set[str] = set()
    rewritten = 0
    for row in rows:
        event = {"id": row.event_id, "sender_id": row.sender_id, "type_name": "user", "data": row.data}
        text = parse_user(event, 0.0).redacted_text
        if text != row.text_redacted:
            conn.execute(
                update(messages)
                .where(messages.c.event_id == row.event_id)
                .values(text_redacted=text, text_folded=text.casefold())
            )
            changed.add(str(row.sender_id))
            rewritten += 1
    if changed:
        rebuild(conn, sorted(changed))
    return int(rows[-1].event_id), rewritten


def redact_again(engine: Engine, batch_size: int = BATCH_SIZE) -> int:
    """`redact_again_batch` over every stored message, one transaction per batch; returns the
    number of messages whose stored text changed."""
    after: int | None = 0
    total = 0
    while after is not None:
        with engine.begin() as conn:
            after, changed = redact_again_batch(conn, after, batch_size)
        total += changed
    return total


def backlog(conn: Connection) -> int:
    """How many events are not summarised yet (0 when the summary is current)."""
    done = conn.execute(select(sync_state.c.last_event_id).where(sync_state.c.id == 1)).scalar() or 0
    query = select(func.count()).select_from(events).where(events.c.id > done)
    return int(conn.execute(query).scalar() or 0)


def is_behind(conn: Connection) -> bool:
    """Whether a sync has anything to read: an event past the watermark, or recently missing
    ids to look for again. A cheap read, so a poller writes only when there is news."""
    state = conn.execute(
        select(sync_state.c.last_event_id, sync_state.c.gaps).where(sync_state.c.id == 1)
    ).first()
    done = int(state.last_event_id) if state else 0
    if state is not None and (state.gaps or "[]") != "[]":
        return True
    return conn.execute(select(events.c.id).where(events.c.id > done).limit(1)).first() is not None


def forget(conn: Connection, senders: Sequence[str]) -> None:
    """Remove the summary of deleted conversations (retention)."""
    for start in range(0, len(senders), _CHUNK):
        chunk = list(senders[start : start + _CHUNK])
        conn.execute(delete(messages).where(messages.c.sender_id.in_(chunk)))
        conn.execute(delete(conversations).where(conversations.c.sender_id.in_(chunk)))


def rebuild(conn: Connection, senders: Sequence[str]) -> None:
    """Recompute the ``console_conversations`` rows of ``senders`` from scratch, from their
    remaining events and ``console_messages`` rows (retention deleted some of their events:
    start, preview, turns, topics and flags no longer count those)."""
    for start in range(0, len(senders), _CHUNK):
        chunk = list(senders[start : start + _CHUNK])
        conn.execute(delete(conversations).where(conversations.c.sender_id.in_(chunk)))
        spans = (
            select(events.c.sender_id, func.min(events.c.timestamp), func.max(events.c.timestamp))
            .where(events.c.sender_id.in_(chunk), events.c.type_name.in_(("user", "bot")))
            .group_by(events.c.sender_id)
        )
        times = {str(sender): (float(first), float(last)) for sender, first, last in conn.execute(spans)
                 if first is not None}  # fmt: skip
        _summaries(conn, chunk, times)
