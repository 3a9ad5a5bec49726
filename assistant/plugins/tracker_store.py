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

A turn costs the same in a long conversation as in a short one. Rasa's store reads
and replays the whole session on every turn and counts it again to save, so a turn
grows with the session. This store keeps the trackers of recent conversations in
memory (`TrackerCache`: an LRU of `CRS_TRACKER_CACHE_SIZE` conversations per process,
and 250 events per conversation on average; 0 turns it off) with the highest event id
it has seen, and

- `retrieve` reads only the sender's events with a higher id (another worker or
  replica may have written them) in one query that also checks the cached copy: the
  number of the sender's events up to that id and the timestamp of that event must be
  unchanged (events deleted by retention, an id reused by SQLite, or a write that
  committed late would change them). A session start among the new events, or a
  failed check, means Rasa's own full read. The caller gets a copy: it adds events to
  it, the cached tracker only ever holds what the database holds;
- `save` is Rasa's (insert the tracker's events the database does not have yet), but
  it catches up the same way instead of counting the session's events; what it
  inserted reaches the cache with the next catch-up, read back like any other write.

The trackers returned are those Rasa's `SQLTrackerStore` builds from the same database
(tests/assistant/plugins/test_tracker_cache.py, tests/scale/test_tracker_cache.py).

With the cache on, the store's SQL costs little Python (bench/profile.py measured it as
most of the store's part of a turn): its queries are built once (`Statements`, Core with
bind parameters, run on the session's connection, so SQLAlchemy neither rebuilds them
nor computes their cache key each turn), `save` inserts the new events in one
executemany instead of one ORM object each, and events are read back with their class
looked up once per type (`event_class`; Rasa's lookup walks every `Event` subclass for
every event). Same rows, same trackers. With the cache off, everything is Rasa's own.

The cache, the event rows and the prebuilt SQL are in `assistant.plugins.tracker_cache`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
from typing import Any, Awaitable, Callable, Iterator, Optional, Sequence, TypeVar

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from assistant.plugins.db_errors import ENGINE_KWARGS, describe
from assistant.plugins.store_health import HEALTH
from assistant.plugins.tracker_cache import EVENTS_PER_CONVERSATION as EVENTS_PER_CONVERSATION
from assistant.plugins.tracker_cache import SESSION_STARTED as SESSION_STARTED
from assistant.plugins.tracker_cache import CachedTracker as CachedTracker
from assistant.plugins.tracker_cache import Statements as Statements
from assistant.plugins.tracker_cache import StoredEvent as StoredEvent
from assistant.plugins.tracker_cache import TrackerCache as TrackerCache
from assistant.plugins.tracker_cache import deserialise as deserialise
from assistant.plugins.tracker_cache import ensure_sqlite_folder as ensure_sqlite_folder
from assistant.plugins.tracker_cache import event_class as event_class
from assistant.settings import get_settings
from assistant.trackers import ForkingTracker, fork

logger = logging.getLogger(__name__)
T = TypeVar("T")
# Errors of a database that is down, restarting or dropped the connection.
TRANSIENT_ERRORS = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError)


class TrackerStoreUnavailable(RuntimeError):
    """The database did not answer within the retry budget."""


class SettingsSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` whose URL comes from `assistant.settings`, failing loudly, with a tracker cache."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        **kwargs: Any,
    ) -> None:
        settings = get_settings()
        url = settings.database_url
        ensure_sqlite_folder(url)
        self.cache = TrackerCache(settings.tracker_cache_size)
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
        # Same engine as Rasa's, plus a liveness check of pooled connections, so a
        # restarted PostgreSQL costs one retry instead of a broken connection.
        rasa_engine: sa.engine.Engine = self.engine  # type: ignore[has-type]  # untyped in Rasa
        rasa_engine.dispose()
        url_object = rasa_engine.url
        self.engine = sa.create_engine(
            url_object, pool_pre_ping=True, **ENGINE_KWARGS, **create_engine_kwargs(url_object)
        )
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.retry_seconds = settings.db_retry_seconds
        self.statements = Statements(self.SQLEvent.__table__)
        HEALTH.ping = self.ping

    @property
    def domain(self) -> Domain:
        return self._domain

    @domain.setter
    def domain(self, domain: Optional[Domain]) -> None:
        # A new model may bring other slots: trackers are rebuilt from the database.
        self._domain = domain or Domain.empty()
        self.cache.clear()

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
                        describe(error),
                    )
                    raise TrackerStoreUnavailable(f"{operation} failed: {describe(error)}") from error
                logger.warning(
                    "Tracker store %s failed (try %d), retrying: %s", operation, attempt, describe(error)
                )
                await asyncio.sleep(delay)
                delay, attempt = min(delay * 2, 2.0), attempt + 1
            else:
                if attempt > 1:
                    HEALTH.record_retry_success()
                    logger.warning("Tracker store %s succeeded after %d attempts", operation, attempt)
                HEALTH.record_ok()
                return result

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        if self.cache.size <= 0:
            retrieve = super().retrieve
            return await self._retrying("retrieve", lambda: retrieve(sender_id))
        return await self._retrying("retrieve", lambda: self._retrieve_cached(sender_id))

    async def retrieve_full_tracker(self, conversation_id: str) -> Optional[DialogueStateTracker]:
        retrieve_full = super().retrieve_full_tracker
        return await self._retrying("retrieve", lambda: retrieve_full(conversation_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        if self.cache.size <= 0:
            save = super().save  # Rasa's, which calls `_additional_events` below
            await self._retrying("save", lambda: save(tracker))
            return
        await self._retrying("save", lambda: self._save(tracker))

    async def _save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's `SQLTrackerStore.save` (the same rows), inserting the new events in one executemany."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows = []
            for event in self._additional_events(session, tracker):
                data = event.as_dict()
                rows.append(
                    {
                        "sender_id": tracker.sender_id,
                        "type_name": event.type_name,
                        "timestamp": data.get("timestamp"),
                        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                        "action_name": data.get("name"),
                        "data": json.dumps(data),
                    }
                )
            if rows:
                session.execute(self.statements.insert, rows)
            session.commit()

    # The cache. Database calls are synchronous, as in Rasa's store, so no other
    # coroutine of this process runs between reading an entry and changing it.

    async def _retrieve_cached(self, sender_id: str) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            entry = self._current_entry(session, sender_id)
        if entry is None:
            return None
        entry.tracker.applied_events()  # brought up to date from where it was (ForkingTracker)
        return fork(entry.tracker)

    def _current_entry(self, session: Session, sender_id: str) -> Optional[CachedTracker]:
        """The sender's cached tracker brought up to date, or read in full; None: no events."""
        entry = self.cache.get(sender_id)
        if entry is not None and self._catch_up(session, sender_id, entry):
            return entry
        self.cache.drop(sender_id)
        entry = self._read_session(session, sender_id)
        if entry is not None:
            self.cache.put(sender_id, entry)
        return entry

    def _read_session(self, session: Session, sender_id: str) -> Optional[CachedTracker]:
        """Rasa's read of the latest session, plus what the cache needs to stay in step (one query)."""
        rows = session.connection().execute(self.statements.read_session, {"sender_id": sender_id}).all()
        if not rows:
            return None
        events = deserialise([json.loads(row.data) for row in rows])
        tracker = ForkingTracker.from_events(sender_id, events, self.domain.slots)
        first = rows[0]
        return CachedTracker(
            tracker=tracker,
            last_id=int(first.last_id),
            seen=int(first.seen),
            last_timestamp=first.last_timestamp,
            session_start=first.session_start,
            session_events=len(rows),
        )

    def _catch_up(self, session: Session, sender_id: str, entry: CachedTracker) -> bool:
        """Apply the sender's events stored after `entry.last_id`; False if only a full read will do."""
        parameters = {"sender_id": sender_id, "last_id": entry.last_id}
        rows = session.connection().execute(self.statements.catch_up, parameters).all()
        if rows[0].seen != entry.seen or rows[0].last_timestamp != entry.last_timestamp:
            return False  # events deleted, an id reused, or a write committed late: read anew
        new = [StoredEvent(r.id, r.type_name, r.timestamp, r.data) for r in rows if r.id is not None]
        return self._apply(sender_id, entry, new)

    def _apply(self, sender_id: str, entry: CachedTracker, new: Sequence[StoredEvent]) -> bool:
        """Add events stored after `entry.last_id` (in id order) to the cached tracker."""
        if not new:
            return True
        if any(stored.type_name == SESSION_STARTED for stored in new):
            return False  # a new session: Rasa's read decides where it starts
        try:
            in_session = [json.loads(s.data) for s in new if entry.in_session(s.timestamp)]
            for event in deserialise(in_session):
                entry.tracker.update(event)
        except BaseException:
            self.cache.drop(sender_id)  # half applied
            raise
        entry.session_events += len(in_session)
        entry.last_id = new[-1].id
        entry.seen += len(new)
        entry.last_timestamp = new[-1].timestamp
        self.cache.fit()  # more events: may be over the bound now (this entry is the most recent)
        return True

    def _additional_events(self, session: Session, tracker: DialogueStateTracker) -> Iterator[Event]:
        """The events of `tracker` the database does not have: Rasa's save stores these.

        Rasa counts the stored events of the session; a cached tracker brought up to
        date knows the number. The stored events reach the cache with the next catch-up.
        """
        if self.cache.size <= 0:
            return super()._additional_events(session, tracker)
        sender_id = tracker.sender_id
        entry = self.cache.get(sender_id)
        if entry is None or not self._catch_up(session, sender_id, entry):
            self.cache.drop(sender_id)
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, entry.session_events, None)
