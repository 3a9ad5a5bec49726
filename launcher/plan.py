"""How many Sanic workers `make run` gives Rasa, and the Redis lock store that allows several.

Standard library only, like the rest of `launcher/`.
"""

from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass
from typing import Callable, Mapping, Optional

from assistant.settings_spec import SettingError, read
from launcher.service import StackError

# Conversation locks of `make run`'s workers in Redis (Rasa accepts alphanumeric prefixes only).
RUN_LOCK_PREFIX = "crsrun"


def cores() -> int:
    """The cores this process may run on (its CPU affinity; `os.cpu_count()` where there is none)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Redis:
    """Where the shared lock store lives: CRS_REDIS_HOST, CRS_REDIS_PORT, CRS_REDIS_DB (as `make scale`)."""

    host: str = "127.0.0.1"
    port: int = 6379
    db: int = 1

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Redis:
        try:
            host, port, db = (
                read(name, env) for name in ("CRS_REDIS_HOST", "CRS_REDIS_PORT", "CRS_REDIS_DB")
            )
        except SettingError as error:
            raise StackError(str(error)) from None
        return cls(str(host), int(port or 0), int(db or 0))

    def answers(self, timeout: float = 1.0) -> bool:
        """True when a Redis server answers PING here without asking for a password."""
        try:
            with socket.create_connection((self.host, self.port), timeout=timeout) as sock:
                sock.settimeout(timeout)
                sock.sendall(b"PING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def lock_store_yaml(self, key_prefix: str = RUN_LOCK_PREFIX) -> str:
        """The endpoints.yml section of the atomic Redis lock store here."""
        if not re.fullmatch(r"[A-Za-z0-9]+", key_prefix):
            raise StackError(f"a Redis key prefix is letters and digits (Rasa's rule), not {key_prefix!r}")
        return (
            "# Added by launcher/stack.py: the Rasa workers share conversation locks in Redis.\n"
            "lock_store:\n  type: assistant.plugins.lock_store.AtomicRedisLockStore\n"
            f"  url: {self.host}\n  port: {self.port}\n  db: {self.db}\n  key_prefix: {key_prefix}\n"
        )


@dataclass(frozen=True)
class WorkerPlan:
    """How many Sanic workers the Rasa server gets, the lock store that allows it, and why."""

    workers: int
    lock_store: str  # endpoints.yml section; "" keeps Rasa's in-memory lock store (one worker)
    note: str  # the line `make run` prints


def plan_workers(
    setting: Optional[int], cores: int, redis: Redis, redis_answers: Callable[[Redis], bool]
) -> WorkerPlan:
    """One worker per core, or `setting` (CRS_RASA_WORKERS); several only with Redis for the locks.

    Without Redis an explicit CRS_RASA_WORKERS above 1 is an error (StackError), while
    the default falls back to one worker and says so: a laptop without Redis still runs.
    """
    wanted = setting if setting is not None else cores
    why = "CRS_RASA_WORKERS" if setting is not None else f"one per core, {cores} core{'s' * (cores != 1)}"
    if wanted <= 1:
        return WorkerPlan(1, "", f"Rasa: 1 worker ({why}).")
    where = f"Redis at {redis.host}:{redis.port} (CRS_REDIS_HOST, CRS_REDIS_PORT)"
    if redis_answers(redis):
        return WorkerPlan(
            wanted,
            redis.lock_store_yaml(),
            f"Rasa: {wanted} workers ({why}), sharing conversation locks in {where}, db {redis.db}.",
        )
    if setting is not None:
        raise StackError(
            f"CRS_RASA_WORKERS={setting} needs a lock store the workers share, and no {where} answers: "
            "start Redis, or set CRS_RASA_WORKERS=1"
        )
    return WorkerPlan(
        1,
        "",
        f"Rasa: 1 worker, not {wanted} ({why}): several workers need a lock store they share, and no "
        f"{where} answers. Start Redis to use every core, or set CRS_RASA_WORKERS=1 to silence this.",
    )
