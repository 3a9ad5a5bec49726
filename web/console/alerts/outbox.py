"""The staff alerts' outbox: which urgent parent messages get an alert, which alerts are due,
and what each attempt did (also written to the audit log).

An alert is made for each parent message the console's summary marks urgent
(`web.console.services.messages.is_urgent_for_staff`, or the urgent reply after it) and sent
less than `WINDOW_SECONDS` ago: turning alerts on does not page staff about last month.
Several console processes may share the database: an alert is taken with a lease (a
conditional UPDATE, on SQLite and PostgreSQL alike), so one of them sends each attempt.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from assistant.names import OTHER_LANGUAGE_INTENT, RED_FLAGS_KEY, TRIAGE_CAUTION, TRIAGE_KEY, URGENT_INTENT
from assistant.nlu.medical_terms import emergency_categories, symptom_categories
from web.console.alerts import payload
from web.console.alerts.payload import Alert
from web.console.services import audit
from web.console.tables import alerts, events, messages

WINDOW_SECONDS = 3600.0
LEASE_SECONDS = 30.0  # longer than one attempt (payload timeout) with room to record it
MAX_BACKOFF_SECONDS = 300.0
CLAIM_LIMIT = 20
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
EMERGENCY, URGENT = "emergency", "urgent"


@dataclass(frozen=True)
class Attempt:
    """What one POST of an alert did: ``ok`` for a 2xx answer; ``result`` as staff read it."""

    ok: bool
    result: str


@dataclass(frozen=True)
class AlertStatus:
    """An alert as the conversation page shows it."""

    id: int
    event_id: int
    kind: str
    level: str
    categories: tuple[str, ...]
    status: str
    attempts: int
    last_attempt_at: float | None
    last_result: str
    delivered_at: float | None
    next_attempt_at: float | None


def backoff(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failure: 1, 2, 4, … at most 5 minutes."""
    return min(2.0 ** (attempts - 1), MAX_BACKOFF_SECONDS)


def _parse_data(raw: Any) -> Mapping[str, Any]:
    try:
        data = json.loads(raw or "{}")
    except (TypeError, ValueError):
        return {}
    parse_data = data.get("parse_data") if isinstance(data, dict) else None
    return parse_data if isinstance(parse_data, dict) else {}


def describe(parse_data: Mapping[str, Any]) -> tuple[str, str, tuple[str, ...]]:
    """(kind, level, categories) of an urgent message from what the bot recorded about it."""
    known = [c for names in symptom_categories().values() for c in names]
    categories = payload.categories_of(parse_data, RED_FLAGS_KEY, known)
    level = EMERGENCY if set(categories) & emergency_categories() else URGENT
    intent = (parse_data.get("intent") or {}).get("name")
    triage = parse_data.get(TRIAGE_KEY)
    if intent == OTHER_LANGUAGE_INTENT:
        kind = payload.OTHER_LANGUAGE
    elif intent != URGENT_INTENT and isinstance(triage, Mapping) and triage.get("decision") == TRIAGE_CAUTION:
        kind = payload.UNSURE
    else:
        kind = payload.REPORT
    return kind, level, categories


def _insert_ignoring_duplicates(conn: Connection, rows: list[dict[str, Any]]) -> None:
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(dialect_insert(alerts).values(rows).on_conflict_do_nothing(index_elements=["event_id"]))


def enqueue_new(conn: Connection, now: float | None = None) -> int:
    """Make the alerts of urgent parent messages from the last `WINDOW_SECONDS` that have none."""
    now = time.time() if now is None else now
    query = (
        select(messages.c.event_id, messages.c.sender_id, messages.c.timestamp, events.c.data)
        .outerjoin(alerts, alerts.c.event_id == messages.c.event_id)
        .outerjoin(events, events.c.id == messages.c.event_id)
        .where(
            messages.c.urgent == true(),
            messages.c.kind == "user",
            messages.c.timestamp >= now - WINDOW_SECONDS,
            alerts.c.id.is_(None),
        )
        .order_by(messages.c.event_id)
    )
    rows = []
    for row in conn.execute(query):
        kind, level, categories = describe(_parse_data(row.data))
        rows.append(
            {
                "event_id": int(row.event_id), "sender_id": str(row.sender_id),
                "reported_at": float(row.timestamp), "created_at": now, "kind": kind, "level": level,
                "categories": ",".join(categories), "status": PENDING, "attempts": 0,
                "next_attempt_at": now, "lease_until": None, "last_attempt_at": None,
                "last_result": "", "delivered_at": None,
            }
        )  # fmt: skip
    if rows:
        _insert_ignoring_duplicates(conn, rows)
    return len(rows)


def _due(now: float) -> Any:
    return and_(
        alerts.c.status == PENDING,
        alerts.c.next_attempt_at <= now,
        or_(alerts.c.lease_until.is_(None), alerts.c.lease_until < now),
    )


def claim_due(conn: Connection, now: float | None = None, limit: int = CLAIM_LIMIT) -> list[Alert]:
    """Take the alerts due now (each under a lease), with the redacted text they are sent with."""
    now = time.time() if now is None else now
    query = (
        select(alerts, messages.c.text_redacted)
        .outerjoin(messages, messages.c.event_id == alerts.c.event_id)
        .where(_due(now))
        .order_by(alerts.c.id)
        .limit(limit)
    )
    taken: list[Alert] = []
    for row in conn.execute(query).all():
        claim = update(alerts).where(alerts.c.id == row.id, _due(now)).values(lease_until=now + LEASE_SECONDS)
        if conn.execute(claim).rowcount != 1:
            continue  # another console process took it
        taken.append(
            Alert(
                id=int(row.id),
                sender_id=str(row.sender_id),
                reported_at=float(row.reported_at),
                kind=str(row.kind),
                level=str(row.level),
                categories=tuple(c for c in str(row.categories).split(",") if c),
                attempt=int(row.attempts) + 1,
                redacted_text=str(row.text_redacted or ""),
            )
        )
    return taken


def record(
    conn: Connection, alert: Alert, attempt: Attempt, max_attempts: int, now: float | None = None
) -> str:
    """Write what an attempt did to the alert and to the audit log; returns the new status."""
    now = time.time() if now is None else now
    values: dict[str, Any] = {"attempts": alert.attempt, "last_attempt_at": now,
                              "last_result": attempt.result[:255], "lease_until": None}  # fmt: skip
    detail = f"alert={alert.id} attempt={alert.attempt} result={attempt.result}"
    if attempt.ok:
        status, action = DELIVERED, "alert_delivered"
        values.update(delivered_at=now, next_attempt_at=None)
    elif alert.attempt >= max_attempts:
        status, action = FAILED, "alert_failed"
        values.update(next_attempt_at=None)
    else:
        status, action = PENDING, "alert_retry"
        wait = backoff(alert.attempt)
        values.update(next_attempt_at=now + wait)
        detail += f" next_in={wait:g}s"
    conn.execute(update(alerts).where(alerts.c.id == alert.id).values(status=status, **values))
    audit.record(conn, audit.NOBODY, action, alert.sender_id, detail)
    return status


def for_conversation(conn: Connection, sender_id: str) -> list[AlertStatus]:
    query = select(alerts).where(alerts.c.sender_id == sender_id).order_by(alerts.c.id)
    return [
        AlertStatus(
            id=int(row.id),
            event_id=int(row.event_id),
            kind=str(row.kind),
            level=str(row.level),
            categories=tuple(c for c in str(row.categories).split(",") if c),
            status=str(row.status),
            attempts=int(row.attempts),
            last_attempt_at=row.last_attempt_at,
            last_result=str(row.last_result),
            delivered_at=row.delivered_at,
            next_attempt_at=row.next_attempt_at,
        )
        for row in conn.execute(query)
    ]
