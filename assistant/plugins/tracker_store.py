"""Rasa's SQL tracker store, pointed at the database URL of the deployment settings.

`endpoints.yml` names this class, so Rasa and the staff console read one setting
(`CRS_DATABASE_URL`; default: the SQLite file `var/rasa.db`). Any SQLAlchemy URL
Rasa supports works, e.g. `postgresql://user@127.0.0.1:5432/crs`.

A database that goes away is never hidden. Connections are checked before use
(`pool_pre_ping`), a failed read or write is retried for a bounded time
(`CRS_DB_RETRY_SECONDS`, default 5 s; a write is safe to retry because Rasa only
writes the events the database does not have yet), and a failure that outlasts
the retries is logged, counted in `assistant.plugins.store_health` and raised, so the
REST channel answers with an error instead of Rasa's silent in-memory fallback.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional, TypeVar

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from assistant.plugins.store_health import HEALTH
from assistant.settings import get_settings

logger = logging.getLogger(__name__)
T = TypeVar("T")
# Errors of a database that is down, restarting or dropped the connection.
TRANSIENT_ERRORS = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError)


class TrackerStoreUnavailable(RuntimeError):
    """The database did not answer within the retry budget."""


class SettingsSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` whose URL comes from `assistant.settings`, failing loudly."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        **kwargs: Any,
    ) -> None:
        url = get_settings().database_url
        ensure_sqlite_folder(url)
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
        # Same engine as Rasa's, plus a liveness check of pooled connections, so a
        # restarted PostgreSQL costs one retry instead of a broken connection.
        rasa_engine: sa.engine.Engine = self.engine  # type: ignore[has-type]  # untyped in Rasa
        rasa_engine.dispose()
        url_object = rasa_engine.url
        self.engine = sa.create_engine(url_object, pool_pre_ping=True, **create_engine_kwargs(url_object))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.retry_seconds = get_settings().db_retry_seconds
        HEALTH.ping = self.ping

    def ping(self) -> None:
        """Raise unless the database answers `SELECT 1`."""
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    async def _retrying(self, operation: str, call: Callable[[], Awaitable[T]]) -> T:
        deadline = time.monotonic() + self.retry_seconds
        delay, attempt = 0.2, 1
        while True:
            try:
                result = await call()
            except TRANSIENT_ERRORS as error:
                if time.monotonic() + delay > deadline:
                    HEALTH.record_failure(operation, error)
                    logger.error(
                        "Tracker store unavailable: %s failed after %d attempts (%s). "
                        "The conversation was NOT stored; the user gets an error reply.",
                        operation,
                        attempt,
                        error,
                    )
                    raise TrackerStoreUnavailable(f"{operation} failed: {error}") from error
                logger.warning("Tracker store %s failed (try %d), retrying: %s", operation, attempt, error)
                await asyncio.sleep(delay)
                delay, attempt = min(delay * 2, 2.0), attempt + 1
            else:
                if attempt > 1:
                    HEALTH.record_retry_success()
                    logger.warning("Tracker store %s succeeded after %d attempts", operation, attempt)
                HEALTH.record_ok()
                return result

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        retrieve = super().retrieve
        return await self._retrying("retrieve", lambda: retrieve(sender_id))

    async def retrieve_full_tracker(self, conversation_id: str) -> Optional[DialogueStateTracker]:
        retrieve_full = super().retrieve_full_tracker
        return await self._retrying("retrieve", lambda: retrieve_full(conversation_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        save = super().save
        await self._retrying("save", lambda: save(tracker))


def ensure_sqlite_folder(url: str) -> None:
    """Create the folder of a SQLite database file, so a fresh clone just runs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
