"""Staff accounts, password checks with lockout, and server-side sessions.

Passwords are hashed with argon2id (argon2-cffi). Sessions are random tokens whose
SHA-256 is stored with an absolute and an idle expiry; each session carries its
own CSRF token.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, insert, select, update

from web.console.config import ConsoleConfig
from web.console.tables import sessions, users

ROLES = ("reviewer", "admin")
MIN_PASSWORD = 12
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not-a-real-password-just-for-timing")


class AuthError(Exception):
    """A sign-in was refused; the message is safe to show."""


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


def create_user(conn: Connection, username: str, password: str, role: str) -> User:
    username = username.strip()
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if (
        not username
        or len(username) > 64
        or not username.replace("_", "").replace(".", "").replace("-", "").isalnum()
    ):
        raise ValueError("username: 1-64 letters, digits, '.', '-' or '_'")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"password must have at least {MIN_PASSWORD} characters")
    if conn.execute(select(users.c.id).where(users.c.username == username)).first():
        raise ValueError(f"user {username!r} already exists")
    result = conn.execute(
        insert(users).values(
            username=username,
            password_hash=_hasher.hash(password),
            role=role,
            active=True,
            failed_logins=0,
            created_at=time.time(),
        )
    )
    return User(int(result.inserted_primary_key[0]), username, role)


def set_active(conn: Connection, username: str, active: bool) -> None:
    result = conn.execute(update(users).where(users.c.username == username).values(active=active))
    if result.rowcount == 0:
        raise ValueError(f"no user {username!r}")
    if not active:
        ids = select(users.c.id).where(users.c.username == username).scalar_subquery()
        conn.execute(delete(sessions).where(sessions.c.user_id == ids))


def authenticate(conn: Connection, username: str, password: str, config: ConsoleConfig) -> User:
    """The user if the password is right; counts failures and locks the account."""
    now = time.time()
    row = conn.execute(select(users).where(users.c.username == username)).first()
    if row is None or not row.active:
        with contextlib.suppress(VerificationError):  # same work: timing reveals nothing
            _hasher.verify(_DUMMY_HASH, password)
        raise AuthError("Wrong username or password.")
    if row.locked_until and row.locked_until > now:
        raise AuthError("Too many failed sign-ins. Try again later.")
    try:
        _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        failures = (row.failed_logins or 0) + 1
        values: dict[str, object] = {"failed_logins": failures}
        if failures >= config.max_failed_logins:
            values = {
                "failed_logins": 0,
                "locked_until": now + config.lockout_minutes * 60,
            }
        conn.execute(update(users).where(users.c.id == row.id).values(**values))
        raise AuthError("Wrong username or password.") from None
    values = {"failed_logins": 0, "locked_until": None}
    if _hasher.check_needs_rehash(row.password_hash):
        values["password_hash"] = _hasher.hash(password)
    conn.execute(update(users).where(users.c.id == row.id).values(**values))
    return User(row.id, row.username, row.role)


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


def load_session(conn: Connection, token: str | None, config: ConsoleConfig) -> Session | None:
    """The live session for a cookie token, or None (expired, idle, unknown, disabled)."""
    if not token or len(token) > 200:
        return None
    now = time.time()
    query = (
        select(sessions, users.c.username, users.c.role, users.c.active)
        .join(users, users.c.id == sessions.c.user_id)
        .where(sessions.c.token_hash == _token_hash(token))
    )
    row = conn.execute(query).first()
    if row is None:
        return None
    if not row.active or row.expires_at <= now or row.last_seen + config.idle_minutes * 60 <= now:
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
