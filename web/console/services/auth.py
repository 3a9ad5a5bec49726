"""Staff accounts, password checks with lockout, and server-side sessions (in `sessions`, re-exported).

Passwords are hashed with argon2id (argon2-cffi) in threads of their own (`PasswordHashes`): a
bounded number at once, a bounded number waiting, and a sign-in beyond that is refused at once
(`Busy`) instead of queueing. Sessions are random tokens whose SHA-256 is stored with an absolute
and an idle expiry; each session carries its own CSRF token.

Usernames are kept in one form (`normalise_username`: NFKC, case-folded, ``[a-z0-9._-]``), the
same when an account is created and at sign-in, so look-alikes (fullwidth ``ａｄａ``, ``ADA``) are
the same account and other scripts (a Cyrillic ``а``) are refused. New passwords must have
`MIN_PASSWORD` characters and be hard to guess (`check_password`, zxcvbn's estimate).
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
import unicodedata
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
from web.console.services.sessions import Session as Session
from web.console.services.sessions import User
from web.console.services.sessions import csrf_ok as csrf_ok
from web.console.services.sessions import end_session as end_session
from web.console.services.sessions import load_session as load_session
from web.console.services.sessions import session_is_live as session_is_live
from web.console.services.sessions import start_session as start_session
from web.console.tables import sessions, users

ROLES = ("reviewer", "admin")
MIN_PASSWORD = 12
# zxcvbn's score (0-4) a new password needs: 3 is "safely unguessable" (about 10^8 guesses or more).
MIN_PASSWORD_SCORE = 3
# Words any staff password here is likely to be built on, besides the account's own name.
_CONTEXT_WORDS = ("crs", "console", "staff", "hospital")
_ZXCVBN_MAX = 72  # zxcvbn refuses longer input; the first 72 characters are scored
_ZXCVBN_LOCK = threading.Lock()  # zxcvbn keeps the user inputs in a module-level dict
USERNAME_RE = re.compile(r"[a-z0-9._-]{1,64}")
USERNAME_RULE = (
    "a username is 1-64 characters from a-z, 0-9, '.', '-' and '_' (capitals and full-width"
    " letters are read as these; other letters, e.g. Cyrillic or accented ones, are refused)"
)
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


def normalise_username(raw: str) -> str:
    """The one form of a username, at creation and at sign-in: NFKC and case-folded, so
    ``ADA`` and full-width ``ａｄａ`` are ``ada``. Whether it is valid is `USERNAME_RE`'s call."""
    folded = unicodedata.normalize("NFKC", raw).casefold()
    return unicodedata.normalize("NFKC", folded).strip()


def check_password(password: str, username: str) -> None:
    """ValueError (a message for the person choosing it) unless ``password`` may be used."""
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"password must have at least {MIN_PASSWORD} characters")
    from zxcvbn import zxcvbn  # imported here: only account commands need its word lists

    with _ZXCVBN_LOCK:
        result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=[username, *_CONTEXT_WORDS])
    if result["score"] < MIN_PASSWORD_SCORE:
        feedback = result["feedback"]
        hints = " ".join(part for part in [feedback["warning"], *feedback["suggestions"]] if part)
        reason = hints or "It is built on common words, names, dates or patterns."
        raise ValueError(f"password is too easy to guess. {reason}")


def create_user(conn: Connection, username: str, password: str, role: str) -> User:
    username = normalise_username(username)
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not USERNAME_RE.fullmatch(username):
        raise ValueError(USERNAME_RULE)
    check_password(password, username)
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


def _stored_name(conn: Connection, username: str) -> str | None:
    """The account an admin command names: its normalised form, else (an account made before
    names were normalised) exactly as typed."""
    for name in dict.fromkeys((normalise_username(username), username.strip())):
        if conn.execute(select(users.c.id).where(users.c.username == name)).first():
            return name
    return None


def set_active(conn: Connection, username: str, active: bool) -> None:
    name = _stored_name(conn, username)
    if name is None:
        raise ValueError(f"no user {username!r}")
    conn.execute(update(users).where(users.c.username == name).values(active=active))
    if not active:
        ids = select(users.c.id).where(users.c.username == name).scalar_subquery()
        conn.execute(delete(sessions).where(sessions.c.user_id == ids))


@dataclass(frozen=True)
class Unlocked:
    """What `unlock_user` cleared."""

    user_id: int
    username: str
    failed_logins: int
    locked_until: float | None

    def was_locked(self, now: float) -> bool:
        return self.locked_until is not None and self.locked_until > now


def unlock_user(conn: Connection, username: str) -> Unlocked:
    """End an account's lockout and reset its failed sign-in count (the lockout itself is
    unchanged: the next `account_failed_logins` wrong guesses lock it again). A lockout of one
    client network (`web.console.guard.SourceLockout`, in the console's memory) is not
    affected: it ends after `lockout_minutes`."""
    name = _stored_name(conn, username)
    if name is None:
        raise ValueError(f"no user {username!r}")
    before = conn.execute(
        select(users.c.id, users.c.failed_logins, users.c.locked_until).where(users.c.username == name)
    ).one()
    conn.execute(update(users).where(users.c.id == before.id).values(failed_logins=0, locked_until=None))
    return Unlocked(int(before.id), name, int(before.failed_logins or 0), before.locked_until)


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
        and row.failed_logins <= config.account_failed_logins
    )


def _lock_if_due(conn: Connection, user_id: int, config: ConsoleConfig, now: float) -> None:
    conn.execute(
        update(users)
        .where(
            users.c.id == user_id,
            users.c.failed_logins >= config.account_failed_logins,
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


async def authenticate(
    engine: Engine, username: str, password: str, config: ConsoleConfig, source_locked: bool = False
) -> User:
    """The user if the password is right, else AuthError (one message for every cause), or
    `Busy` at once, before the attempt is counted, when too many sign-ins are in progress.
    ``source_locked``: the client's network is locked out of this account (`SourceLockout`):
    refused after the same work, and not counted toward the account's own lockout, so one
    network's guesses never lock the account for everyone else.

    The username is read as `normalise_username` makes it (``ADA`` signs in as ``ada``).
    Every attempt does the same work (one argon2 verification, against a dummy hash
    for an unknown, disabled or locked account) so neither the message nor the time
    tells whether an account exists. The password is checked outside any transaction,
    in `PasswordHashes`' threads; the short transactions around it run in the shared pool.
    """
    username = normalise_username(username)
    hashes = password_hashes(config)
    with hashes.admission():
        if source_locked:
            await hashes.run(_verify_now, _DUMMY_HASH, password)
            raise AuthError(None)
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
