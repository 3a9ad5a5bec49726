"""Staff accounts, password checks with lockout, and server-side sessions.

Passwords are hashed with argon2id (argon2-cffi), a bounded number at once. Sessions are random tokens whose
SHA-256 is stored with an absolute and an idle expiry; each session carries its
own CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, Row, and_, case, delete, insert, null, select, update

from web.console.config import ConsoleConfig
from web.console.tables import sessions, users

ROLES = ("reviewer", "admin")
MIN_PASSWORD = 12
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not-a-real-password-just-for-timing")
_SLOTS: dict[int, threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()
# The one message for every refused sign-in: unknown user, wrong password, disabled, locked.
SIGN_IN_FAILED = "Wrong username or password, or too many failed sign-ins. Try again later."


class AuthError(Exception):
    """A sign-in was refused; the message is the same for every cause.

    ``user_id`` is the account the attempt named, if it exists (for the audit log,
    never shown).
    """

    def __init__(self, user_id: int | None = None) -> None:
        super().__init__(SIGN_IN_FAILED)
        self.user_id = user_id


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
    user_id = conn.execute(
        insert(users)
        .values(
            username=username,
            password_hash=_hasher.hash(password),
            role=role,
            active=True,
            failed_logins=0,
            created_at=time.time(),
        )
        .returning(users.c.id)
    ).scalar_one()
    return User(int(user_id), username, role)


def set_active(conn: Connection, username: str, active: bool) -> None:
    result = conn.execute(update(users).where(users.c.username == username).values(active=active))
    if result.rowcount == 0:
        raise ValueError(f"no user {username!r}")
    if not active:
        ids = select(users.c.id).where(users.c.username == username).scalar_subquery()
        conn.execute(delete(sessions).where(sessions.c.user_id == ids))


def _hash_slots(size: int) -> threading.BoundedSemaphore:
    """The process's bound on concurrent argon2 hashes (64 MiB each) for ``size``."""
    with _SLOTS_LOCK:
        return _SLOTS.setdefault(size, threading.BoundedSemaphore(size))


def _verify(stored: str, password: str, config: ConsoleConfig) -> bool:
    """One argon2 verification, waiting for a free hash slot."""
    with _hash_slots(config.max_concurrent_hashes):
        try:
            return _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False


def _rehashed(stored: str, password: str, config: ConsoleConfig) -> str | None:
    if not _hasher.check_needs_rehash(stored):
        return None
    with _hash_slots(config.max_concurrent_hashes):
        return _hasher.hash(password)


def _claim_attempt(conn: Connection, username: str, now: float) -> Row[Any] | None:
    """Count one sign-in attempt atomically (``failed_logins + 1 ... RETURNING``).

    Every attempt is counted before the password is checked, so parallel guesses
    cannot all read the same count; a success resets it. An expired lockout starts
    a new count at 1.
    """
    expired = and_(users.c.locked_until.is_not(None), users.c.locked_until <= now)
    statement = (
        update(users)
        .where(users.c.username == username)
        .values(
            failed_logins=case((expired, 1), else_=users.c.failed_logins + 1),
            locked_until=case((expired, null()), else_=users.c.locked_until),
        )
        .returning(
            users.c.id, users.c.username, users.c.role, users.c.active,
            users.c.password_hash, users.c.failed_logins, users.c.locked_until,
        )
    )  # fmt: skip
    return conn.execute(statement).first()


def _may_check(row: Row[Any] | None, config: ConsoleConfig) -> bool:
    """True when this attempt is within the account's budget of password checks."""
    return (
        row is not None
        and bool(row.active)
        and row.locked_until is None
        and row.failed_logins <= config.max_failed_logins
    )


def _lock_if_due(conn: Connection, user_id: int, config: ConsoleConfig, now: float) -> None:
    conn.execute(
        update(users)
        .where(
            users.c.id == user_id,
            users.c.failed_logins >= config.max_failed_logins,
            users.c.locked_until.is_(None),
        )
        .values(locked_until=now + config.lockout_minutes * 60)
    )


def _finish_success(conn: Connection, user_id: int, new_hash: str | None) -> bool:
    """Reset the count, unless the account was locked or disabled meanwhile."""
    values: dict[str, object] = {"failed_logins": 0, "locked_until": None}
    if new_hash:
        values["password_hash"] = new_hash
    statement = (
        update(users)
        .where(users.c.id == user_id, users.c.locked_until.is_(None), users.c.active.is_(True))
        .values(**values)
    )
    return bool(conn.execute(statement).rowcount)


def authenticate(engine: Engine, username: str, password: str, config: ConsoleConfig) -> User:
    """The user if the password is right, else AuthError (one message for every cause).

    Every attempt does the same work (one argon2 verification, against a dummy hash
    for an unknown, disabled or locked account) so neither the message nor the time
    tells whether an account exists. The password is checked outside any transaction,
    with at most ``config.max_concurrent_hashes`` hashes at once.
    """
    now = time.time()
    with engine.begin() as conn:
        row = _claim_attempt(conn, username, now)
    if row is None or not _may_check(row, config):
        _verify(_DUMMY_HASH, password, config)
        if row is not None:
            with engine.begin() as conn:
                _lock_if_due(conn, row.id, config, now)
        raise AuthError(None if row is None else row.id)
    if not _verify(row.password_hash, password, config):
        with engine.begin() as conn:
            _lock_if_due(conn, row.id, config, now)
        raise AuthError(row.id)
    new_hash = _rehashed(row.password_hash, password, config)
    with engine.begin() as conn:
        if not _finish_success(conn, row.id, new_hash):
            raise AuthError(row.id)
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
