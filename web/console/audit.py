"""Append-only audit log of who viewed, exported or changed what, and when.

The console only ever inserts into ``console_audit``; no route updates or deletes it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select

from web.console.tables import audit_log


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: float
    username: str
    action: str
    target: str
    detail: str


def record(conn: Connection, username: str, action: str, target: str = "", detail: str = "") -> None:
    conn.execute(
        insert(audit_log).values(
            at=time.time(),
            username=username[:64],
            action=action[:64],
            target=target[:255],
            detail=detail[:2000],
        )
    )


def entries(conn: Connection, limit: int = 100, offset: int = 0) -> list[AuditEntry]:
    query = (
        select(audit_log)
        .order_by(audit_log.c.id.desc())
        .limit(max(1, min(limit, 500)))
        .offset(max(0, offset))
    )
    return [AuditEntry(**dict(row._mapping)) for row in conn.execute(query)]


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(audit_log)).scalar_one())
