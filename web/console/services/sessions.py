"""Server-side sessions of signed-in staff: random tokens whose SHA-256 is stored with an
absolute and an idle expiry, each with its own CSRF token. The accounts and sign-in are in
`web.console.services.auth`, which re-exports these functions."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update

from web.console.config import ConsoleConfig
from web.console.tables import sessions, users


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class Session:
    user: User
    csrf_token: str
    expires_at: float


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(conn: Connection, user: User, config: ConsoleConfig) -> str:
    """A new session for ``user``; returns the token for the cookie."""
    now = time.time()
    token = secrets.token_urlsafe(32)
    conn.execute(delete(sessions).where(sessions.c.expires_at < now))
    conn.execute(
        insert(sessions).values(
            token_hash=_token_hash(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen=now,
            expires_at=now + config.session_minutes * 60,
        )
    )
    return token


def _session_row(conn: Connection, token: str | None) -> Row[Any] | None:
    if not token or len(token) > 200:
        return None
    query = (
        select(sessions, users.c.username, users.c.role, users.c.active)
        .join(users, users.c.id == sessions.c.user_id)
        .where(sessions.c.token_hash == _token_hash(token))
    )
    return conn.execute(query).first()


def _live(row: Row[Any], config: ConsoleConfig, now: float) -> bool:
    return bool(row.active) and row.expires_at > now and row.last_seen + config.idle_minutes * 60 > now


def session_is_live(conn: Connection, token: str | None, config: ConsoleConfig) -> bool:
    """Whether a cookie token names a live session: one read, nothing written."""
    row = _session_row(conn, token)
    return row is not None and _live(row, config, time.time())


def load_session(conn: Connection, token: str | None, config: ConsoleConfig) -> Session | None:
    """The live session for a cookie token, or None (expired, idle, unknown, disabled)."""
    row = _session_row(conn, token)
    if row is None:
        return None
    now = time.time()
    if not _live(row, config, now):
        conn.execute(delete(sessions).where(sessions.c.token_hash == row.token_hash))
        return None
    conn.execute(update(sessions).where(sessions.c.token_hash == row.token_hash).values(last_seen=now))
    return Session(User(row.user_id, row.username, row.role), row.csrf_token, row.expires_at)


def end_session(conn: Connection, token: str | None) -> None:
    if token:
        conn.execute(delete(sessions).where(sessions.c.token_hash == _token_hash(token)))


def csrf_ok(expected: str, submitted: str | None) -> bool:
    """Constant-time comparison of a form's CSRF token with the session's."""
    return bool(expected) and bool(submitted) and hmac.compare_digest(expected, str(submitted))
