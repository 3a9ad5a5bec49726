"""Staff accounts, password checks with lockout, and server-side sessions.

Passwords are hashed with argon2id (argon2-cffi) in threads of their own (`PasswordHashes`): a
bounded number at once, a bounded number waiting, and a sign-in beyond that is refused at once
(`Busy`) instead of queueing. Sessions are random tokens whose SHA-256 is stored with an absolute
and an idle expiry; each session carries its own CSRF token.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, Row, and_, case, delete, insert, null, select, update
from starlette.concurrency import run_in_threadpool

from web.console.config import ConsoleConfig
from web.console.tables import sessions, users

ROLES = ("reviewer", "admin")
MIN_PASSWORD = 12
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not-a-real-password-just-for-timing")
_POOLS: dict[tuple[int, int], PasswordHashes] = {}
_POOLS_LOCK = threading.Lock()
T = TypeVar("T")
# The one message for every refused sign-in: unknown user, wrong password, disabled, locked.
SIGN_IN_FAILED = "Wrong username or password, or too many failed sign-ins. Try again later."


class Busy(Exception):
    """Too many sign-ins are being checked already; this one was refused before anything
    was counted or checked (the caller answers 503 at once)."""


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


class PasswordHashes:
    """The process's argon2 work (64 MiB and ~0.2 s of CPU each), off the shared thread pool.

    At most ``slots`` hashes run at once, in threads of their own; the sign-ins waiting for
    one wait in the event loop (holding no thread), at most ``waiting`` of them: one more is
    refused with `Busy`, so a flood of anonymous sign-ins is shed in a millisecond and never
    takes threads from the parents' chat.
    """

    def __init__(self, slots: int, waiting: int) -> None:
        self.capacity = slots + waiting
        self.admitted = 0
        self._lock = threading.Lock()
        self._threads = ThreadPoolExecutor(max_workers=slots, thread_name_prefix="console-argon2")

    @contextmanager
    def admission(self) -> Iterator[None]:
        """One sign-in's place (checked or waiting), or `Busy` when all are taken."""
        with self._lock:
            if self.admitted >= self.capacity:
                raise Busy
            self.admitted += 1
        try:
            yield
        finally:
            with self._lock:
                self.admitted -= 1

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """``work(*args)`` in one of the hash threads, awaited without holding a thread."""
        return await asyncio.wrap_future(self._threads.submit(work, *args))


def password_hashes(config: ConsoleConfig) -> PasswordHashes:
    """The process's `PasswordHashes` for ``config`` (one per size, shared by every console)."""
    key = (config.max_concurrent_hashes, config.max_waiting_sign_ins)
    with _POOLS_LOCK:
        if key not in _POOLS:
            _POOLS[key] = PasswordHashes(*key)
        return _POOLS[key]


def _verify_now(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _rehash_now(stored: str, password: str) -> str | None:
    return _hasher.hash(password) if _hasher.check_needs_rehash(stored) else None


def _claim(engine: Engine, username: str, now: float) -> Row[Any] | None:
    with engine.begin() as conn:
        return _claim_attempt(conn, username, now)


def _lock(engine: Engine, user_id: int, config: ConsoleConfig, now: float) -> None:
    with engine.begin() as conn:
        _lock_if_due(conn, user_id, config, now)


def _finish(engine: Engine, user_id: int, new_hash: str | None) -> bool:
    with engine.begin() as conn:
        return _finish_success(conn, user_id, new_hash)


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


async def authenticate(engine: Engine, username: str, password: str, config: ConsoleConfig) -> User:
    """The user if the password is right, else AuthError (one message for every cause), or
    `Busy` at once, before the attempt is counted, when too many sign-ins are in progress.

    Every attempt does the same work (one argon2 verification, against a dummy hash
    for an unknown, disabled or locked account) so neither the message nor the time
    tells whether an account exists. The password is checked outside any transaction,
    in `PasswordHashes`' threads; the short transactions around it run in the shared pool.
    """
    hashes = password_hashes(config)
    with hashes.admission():
        now = time.time()
        row = await run_in_threadpool(_claim, engine, username, now)
        if row is None or not _may_check(row, config):
            await hashes.run(_verify_now, _DUMMY_HASH, password)
            if row is not None:
                await run_in_threadpool(_lock, engine, row.id, config, now)
            raise AuthError(None if row is None else row.id)
        if not await hashes.run(_verify_now, row.password_hash, password):
            await run_in_threadpool(_lock, engine, row.id, config, now)
            raise AuthError(row.id)
        new_hash = await hashes.run(_rehash_now, row.password_hash, password)
        if not await run_in_threadpool(_finish, engine, row.id, new_hash):
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
