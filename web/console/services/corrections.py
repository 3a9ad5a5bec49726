"""Corrections: the right intent for a misunderstood user message."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select

from web.console.privacy import redact
from web.console.services.messages import parse_user
from web.console.tables import corrections, events


@dataclass(frozen=True)
class Correction:
    event_id: int
    sender_id: str
    intent: str
    text: str  # user text, always redacted: it is exported for training data
    corrected_by: str


def correct(conn: Connection, event_id: int, intent: str, choices: list[str], username: str) -> str:
    """Record ``intent`` as the right answer for user event ``event_id``; returns sender id."""
    if intent not in choices:
        raise ValueError("Unknown topic.")
    row = conn.execute(
        select(events.c.sender_id).where(events.c.id == event_id, events.c.type_name == "user")
    ).first()
    if row is None:
        raise LookupError("No such message.")
    conn.execute(delete(corrections).where(corrections.c.event_id == event_id))
    conn.execute(
        insert(corrections).values(
            event_id=event_id,
            sender_id=row.sender_id,
            intent=intent,
            corrected_by=username,
            created_at=time.time(),
        )
    )
    return str(row.sender_id)


def corrections_by_event(conn: Connection, sender_id: str | None = None) -> dict[int, str]:
    query = select(corrections.c.event_id, corrections.c.intent)
    if sender_id is not None:
        query = query.where(corrections.c.sender_id == sender_id)
    return {row.event_id: row.intent for row in conn.execute(query)}


def all_corrections(conn: Connection) -> list[Correction]:
    query = (
        select(corrections, events.c.data, events.c.timestamp, events.c.type_name)
        .join(events, events.c.id == corrections.c.event_id)
        .order_by(corrections.c.intent, corrections.c.event_id)
    )
    result = []
    for row in conn.execute(query):
        message = parse_user(
            {"id": row.event_id, "sender_id": row.sender_id, "data": row.data,
             "timestamp": row.timestamp},
            low_confidence=0.0,
        )  # fmt: skip
        # Redact the raw text whatever kind of message it parsed as: a free-text message
        # that the NLU took for feedback would otherwise be exported as typed.
        result.append(
            Correction(row.event_id, row.sender_id, row.intent, redact(message.text),
                       row.corrected_by)
        )  # fmt: skip
    return result
