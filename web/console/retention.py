"""Retention: delete conversations (Rasa events and console data) older than N days,
and audit-log rows older than their own retention."""

from __future__ import annotations

import time

from sqlalchemy import Connection, delete, func, select

from web.console import summary
from web.console.tables import audit_log, corrections, events, notes, reviews, sessions, tags


def _cutoff(days: int, now: float | None) -> tuple[float, float]:
    if days < 1:
        raise ValueError("days must be at least 1")
    now = time.time() if now is None else now
    return now, now - days * 86400


def purge_old(conn: Connection, days: int, now: float | None = None) -> list[str]:
    """Delete every conversation whose latest event is older than ``days`` days.

    Returns the sender ids removed. The audit log has its own retention
    (`purge_audit`; it holds no message text).
    """
    now, cutoff = _cutoff(days, now)
    last = (
        select(events.c.sender_id).group_by(events.c.sender_id).having(func.max(events.c.timestamp) < cutoff)
    )
    senders = [row.sender_id for row in conn.execute(last)]
    for start in range(0, len(senders), 500):
        chunk = senders[start : start + 500]
        for table in (corrections, notes, tags, reviews):
            conn.execute(delete(table).where(table.c.sender_id.in_(chunk)))
        conn.execute(delete(events).where(events.c.sender_id.in_(chunk)))
    summary.forget(conn, senders)
    conn.execute(delete(sessions).where(sessions.c.expires_at < now))
    return senders


def purge_audit(conn: Connection, days: int, now: float | None = None) -> int:
    """Delete audit-log rows older than ``days`` days; returns how many."""
    _, cutoff = _cutoff(days, now)
    return int(conn.execute(delete(audit_log).where(audit_log.c.at < cutoff)).rowcount or 0)
