"""Retention: delete every Rasa event older than N days (and what the console derived from
it), whole conversations once nothing newer is left, and audit-log rows older than their own
retention.

The cut is per event timestamp, so a conversation whose sender id keeps writing loses its
old messages too. Each batch of events is deleted in one transaction together with:

- their ``console_messages`` summary rows (redacted text) and ``console_corrections``;
- the ``console_conversations`` row of each conversation they belonged to, recomputed from
  what is left (start, preview, turns, topics, flags), or removed with the conversation's
  reviews, tags and notes when the conversation has no event left.

Rasa only appends events stamped with the current time, so it never writes a row a batch
deletes; on SQLite a batch holds the database's write lock, so batches stay small for
Rasa's concurrent saves. A batch also excludes the console's summary sync (on PostgreSQL
by locking ``console_sync``, whose row every sync batch updates first; on SQLite by the
write lock), so a sync never re-adds a summary row of an event being deleted.

What is left of a conversation starts at its first event after the cut-off, which may be
inside a session (e.g. an answer whose question was deleted). Rasa rebuilds a tracker from
its latest ``session_started`` event on (all remaining events when that one was deleted),
and a session ends after 60 idle minutes (``session_expiration_time``): unless a
conversation has had a message at least hourly since the cut-off, its latest session began
after it, so what Rasa loads, and the count of stored events Rasa compares with when
saving, are unchanged. Only for a session kept busy for the whole retention period does
Rasa load a cut session; a purge batch that lands while Rasa handles one of its messages
can then make Rasa store that session's events again (purged on the next run).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import Connection, Engine, delete, select, text

from web.console.services import summary
from web.console.tables import (
    alerts,
    audit_log,
    corrections,
    events,
    messages,
    notes,
    reviews,
    sessions,
    sync_state,
    tags,
)

T = TypeVar("T")

BATCH_SIZE = 1000  # events per batch (one transaction when purging through an engine)
_CHUNK = 500  # values per IN (...) clause


@dataclass
class Purged:
    """What a purge deleted."""

    events: int = 0  # Rasa events older than the cut-off
    removed: list[str] = field(default_factory=list)  # conversations left without events: deleted
    kept: list[str] = field(default_factory=list)  # conversations that lost old events, kept newer ones


@dataclass
class _Batch:
    events: int
    last_id: int
    senders: list[str]
    removed: list[str]


def _cutoff(days: int, now: float | None) -> tuple[float, float]:
    if days < 1:
        raise ValueError("days must be at least 1")
    now = time.time() if now is None else now
    return now, now - days * 86400


def _chunks(values: Sequence[T]) -> list[list[T]]:
    return [list(values[start : start + _CHUNK]) for start in range(0, len(values), _CHUNK)]


def _exclude_summary_sync(conn: Connection) -> None:
    """Wait for a running summary batch and keep new ones out until this transaction ends
    (EXCLUSIVE conflicts with the ROW EXCLUSIVE lock of their ``UPDATE console_sync`` and
    only needs the DELETE privilege the retention role has; reads are not blocked)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"LOCK TABLE {sync_state.name} IN EXCLUSIVE MODE"))


def purge_batch(conn: Connection, cutoff: float, after: int = 0, limit: int = BATCH_SIZE) -> _Batch | None:
    """Delete, in ``conn``'s transaction, up to ``limit`` events older than ``cutoff`` with an
    id above ``after``, and what the console derived from them; None when there are none."""
    _exclude_summary_sync(conn)
    query = (
        select(events.c.id, events.c.sender_id)
        .where(events.c.id > after, events.c.timestamp < cutoff)
        .order_by(events.c.id)
        .limit(limit)
    )
    rows = conn.execute(query).all()
    if not rows:
        return None
    ids = [int(row.id) for row in rows]
    senders = sorted({str(row.sender_id) for row in rows})
    for id_chunk in _chunks(ids):
        # The events first: on SQLite this takes the write lock before any summary row is read.
        conn.execute(delete(events).where(events.c.id.in_(id_chunk)))
        conn.execute(delete(messages).where(messages.c.event_id.in_(id_chunk)))
        conn.execute(delete(corrections).where(corrections.c.event_id.in_(id_chunk)))
        conn.execute(delete(alerts).where(alerts.c.event_id.in_(id_chunk)))
    left: set[str] = set()
    for chunk in _chunks(senders):
        still = select(events.c.sender_id).where(events.c.sender_id.in_(chunk)).distinct()
        left.update(str(sender) for sender in conn.execute(still).scalars())
    removed = [sender for sender in senders if sender not in left]
    for chunk in _chunks(removed):
        for table in (corrections, notes, tags, reviews):
            conn.execute(delete(table).where(table.c.sender_id.in_(chunk)))
    summary.forget(conn, removed)
    summary.rebuild(conn, [sender for sender in senders if sender in left])
    return _Batch(len(ids), ids[-1], senders, removed)


def _add(result: Purged, touched: set[str], batch: _Batch) -> None:
    result.events += batch.events
    result.removed.extend(batch.removed)
    touched.update(batch.senders)


def _finish(result: Purged, touched: set[str]) -> Purged:
    gone = set(result.removed)
    result.kept = sorted(touched - gone)
    return result


def _forget_sessions(conn: Connection, now: float) -> None:
    conn.execute(delete(sessions).where(sessions.c.expires_at < now))


def purge_old(conn: Connection, days: int, now: float | None = None, batch_size: int = BATCH_SIZE) -> Purged:
    """Delete every event older than ``days`` days, all in ``conn``'s transaction (the
    ``purge-old`` command uses `purge`, which commits each batch), and expired console
    sessions. The audit log has its own retention (`purge_audit`; it holds no message text)."""
    now, cutoff = _cutoff(days, now)
    result, touched, after = Purged(), set[str](), 0
    while (batch := purge_batch(conn, cutoff, after, batch_size)) is not None:
        _add(result, touched, batch)
        after = batch.last_id
    _forget_sessions(conn, now)
    return _finish(result, touched)


def purge(engine: Engine, days: int, now: float | None = None, batch_size: int = BATCH_SIZE) -> Purged:
    """`purge_old` with one transaction per batch: Rasa's saves (SQLite) and the console's
    summary syncs wait for one batch at most, never for the whole purge."""
    now, cutoff = _cutoff(days, now)
    result, touched, after = Purged(), set[str](), 0
    while True:
        with engine.begin() as conn:
            batch = purge_batch(conn, cutoff, after, batch_size)
        if batch is None:
            break
        _add(result, touched, batch)
        after = batch.last_id
    with engine.begin() as conn:
        _forget_sessions(conn, now)
    return _finish(result, touched)


def purge_audit(conn: Connection, days: int, now: float | None = None) -> int:
    """Delete audit-log rows older than ``days`` days; returns how many."""
    _, cutoff = _cutoff(days, now)
    return int(conn.execute(delete(audit_log).where(audit_log.c.at < cutoff)).rowcount or 0)
