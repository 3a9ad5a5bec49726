"""Tracker-store health: what failed, when, and which requests were affected.

Rasa wraps every tracker store in `FailSafeTrackerStore`, which answers a failed
read with a new, empty conversation and a failed write by keeping the
conversation in memory. For a hospital that is a silent loss. The project's
tracker store records every failure here instead; the REST channel
(`assistant.plugins.channels`) turns a failure during a request into an error reply and
serves this state as a health endpoint.
"""

from __future__ import annotations

import contextvars
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

from assistant.plugins.db_errors import describe

# A list per request, created by the channel, appended to by the tracker store.
_request_failures: contextvars.ContextVar[Optional[List[str]]] = contextvars.ContextVar(
    "crs_tracker_store_failures", default=None
)


@dataclass
class StoreHealth:
    """Counters of one process's tracker store."""

    failures: int = 0
    recovered_after_retry: int = 0
    last_error: Optional[str] = None
    last_error_at: Optional[float] = None
    last_ok_at: Optional[float] = None
    ping: Optional[Callable[[], None]] = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record_failure(self, operation: str, error: BaseException) -> None:
        message = f"{operation}: {describe(error)}"
        with self._lock:
            self.failures += 1
            self.last_error = message
            self.last_error_at = time.time()
        failures = _request_failures.get()
        if failures is not None:
            failures.append(message)

    def record_retry_success(self) -> None:
        with self._lock:
            self.recovered_after_retry += 1

    def record_ok(self) -> None:
        self.last_ok_at = time.time()

    def check(self) -> Dict[str, object]:
        """Ping the database now; the report the health endpoint serves."""
        reachable: Optional[bool] = None
        error: Optional[str] = None
        if self.ping is not None:
            try:
                self.ping()
                reachable = True
            except Exception as exc:  # noqa: BLE001 - reported, not raised
                reachable, error = False, f"{type(exc).__name__}: {exc}".splitlines()[0]
        return {
            "status": "ok" if reachable is not False else "unavailable",
            "tracker_store": {
                "reachable": reachable,
                "error": error,
                "failures": self.failures,
                "recovered_after_retry": self.recovered_after_retry,
                "last_error": self.last_error,
                "last_error_at": self.last_error_at,
                "last_ok_at": self.last_ok_at,
            },
        }


HEALTH = StoreHealth()


def begin_request() -> List[str]:
    """Start collecting tracker-store failures for the current request."""
    failures: List[str] = []
    _request_failures.set(failures)
    return failures
