"""Audit log of who viewed, exported or changed what, and when.

A row says what happened: the action (which also tells the result, e.g.
``login`` / ``login_failed`` / ``denied``), the staff account, and the target's id
(a conversation id, ``event:N``, ``user:N``). It never holds free text that staff
or an attacker typed: no search terms or filter values (only the filter names),
no tag or note text, no username typed on a failed sign-in. Routes only insert;
rows older than ``CRS_CONSOLE_AUDIT_RETENTION_DAYS`` are removed by
``retention.purge_audit`` (the ``purge-old`` command).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select

from web.console.services.filters import Filters
from web.console.tables import audit_log

NOBODY = "-"  # the "who" of a failed sign-in or a command-line purge or unlock
ACTIONS = frozenset(
    {
        "login", "login_failed", "logout", "denied",
        "view_queue", "view_list", "view_conversation", "view_audit", "view_insights", "export_insights",
        "mark_reviewed", "mark_unreviewed", "add_tag", "remove_tag", "add_note", "correct",
        "reveal", "export_csv", "export_nlu", "purge", "unlock", "redact_again",
        "alert_delivered", "alert_retry", "alert_failed",
    }
)  # fmt: skip
FILTER_NAMES = tuple(f.name for f in dataclasses.fields(Filters) if f.name != "errors")


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: float
    username: str
    action: str
    target: str
    detail: str


def filter_names(params: Mapping[str, str]) -> str:
    """``filters=flag,q``: the names of the filters used, never their values."""
    used = [name for name in FILTER_NAMES if str(params.get(name, "") or "").strip()]
    return "filters=" + ",".join(used)


def record(conn: Connection, username: str, action: str, target: str = "", detail: str = "") -> None:
    """One audit row; ``action`` must be one of ``ACTIONS``."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    conn.execute(
        insert(audit_log).values(
            at=time.time(),
            username=username[:64],
            action=action,
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
