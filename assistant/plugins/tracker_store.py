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
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Iterator, List, Optional, Sequence, Type, TypeVar

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from assistant.plugins.db_errors import ENGINE_KWARGS, describe
from assistant.plugins.store_health import HEALTH
from assistant.settings import get_settings
from assistant.trackers import ForkingTracker, fork

logger = logging.getLogger(__name__)
T = TypeVar("T")
# Errors of a database that is down, restarting or dropped the connection.
TRANSIENT_ERRORS = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError)
SESSION_STARTED = SessionStarted.type_name


class TrackerStoreUnavailable(RuntimeError):
    """The database did not answer within the retry budget."""


@dataclass
class CachedTracker:
    """One conversation's latest session as Rasa's store would build it, and what it was built from."""

    tracker: DialogueStateTracker  # never handed out: callers get `fork(tracker)`
    last_id: int  # the highest id of the sender's events looked at
    seen: int  # how many of the sender's events have an id <= last_id
    last_timestamp: Optional[float]  # the stored timestamp of event `last_id`
    session_start: Optional[float]  # Rasa's session filter: the latest SessionStarted's timestamp
    session_events: int  # events in the session (what Rasa's save counts before inserting)

    def in_session(self, timestamp: Optional[float]) -> bool:
        """Whether Rasa's session query (`timestamp >= latest session start`) returns the event."""
        if self.session_start is None:
            return True
        return timestamp is not None and timestamp >= self.session_start


@dataclass(frozen=True)
class StoredEvent:
    id: int
    type_name: str
    timestamp: Optional[float]
    data: str


# Besides `size` conversations, the cache holds at most this many events per conversation on
# average (about 1 MB: an FAQ turn logs 5 events of about 4 kB in memory), so a few very long
# conversations cannot fill a worker's memory: the least recently used go first.
EVENTS_PER_CONVERSATION = 250


class TrackerCache:
    """The trackers of the `size` most recently used conversations of this process.

    Also bounded by `size * EVENTS_PER_CONVERSATION` events in all (one conversation
    longer than that is still kept, alone).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.max_events = size * EVENTS_PER_CONVERSATION
        self._entries: OrderedDict[str, CachedTracker] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def events(self) -> int:
        """Events held, in all conversations."""
        return sum(len(entry.tracker.events) for entry in self._entries.values())

    def fit(self) -> None:
        """Drop the least recently used conversations until within both bounds."""
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        while len(self._entries) > 1 and self.events > self.max_events:
            self._entries.popitem(last=False)

    def get(self, sender_id: str) -> Optional[CachedTracker]:
        entry = self._entries.get(sender_id)
        if entry is not None:
            self._entries.move_to_end(sender_id)
        return entry

    def put(self, sender_id: str, entry: CachedTracker) -> None:
        if self.size <= 0:
            return
        self._entries[sender_id] = entry
        self._entries.move_to_end(sender_id)
        self.fit()

    def drop(self, sender_id: str) -> None:
        self._entries.pop(sender_id, None)

    def clear(self) -> None:
        self._entries.clear()


# Event classes by type name, as Rasa's `Event.resolve_by_type` finds them (asked once per name).
_EVENT_CLASSES: Dict[str, Type[Event]] = {}


def event_class(type_name: str) -> Optional[Type[Event]]:
    """The class Rasa deserialises an event of `type_name` into (None: skipped, as Rasa's "topic").

    Rasa's lookup walks all `Event` subclasses for every event; its answer for a name is
    kept. Unknown names raise ValueError, as in Rasa.
    """
    found = _EVENT_CLASSES.get(type_name)
    if found is None:
        found = Event.resolve_by_type(type_name)
        if found is not None:
            _EVENT_CLASSES[type_name] = found
    return found


def deserialise(dumps: Sequence[dict]) -> List[Event]:
    """Rasa's `deserialise_events`, with the class of each type looked up once."""
    events = []
    for parameters in dumps:
        if "event" not in parameters:
            continue
        name = parameters.get("event")
        cls = event_class(name) if name is not None else None
        event = cls._from_parameters(parameters) if cls is not None else None
        if event:
            events.append(event)
        else:
            logger.warning("Could not deserialise a stored event of type %r", name)
    return events


class Statements:
    """The cache's queries on the events table, built once: bind parameters `sender_id`, `last_id`."""

    def __init__(self, table: sa.Table) -> None:
        self.insert = table.insert()
        sender_id, last_id = sa.bindparam("sender_id"), sa.bindparam("last_id")
        known, last = table.alias("known"), table.alias("last_known")
        check = sa.select(
            sa.select(sa.func.count())
            .select_from(known)
            .where(known.c.sender_id == sender_id, known.c.id <= last_id)
            .scalar_subquery()
            .label("seen"),
            sa.select(last.c.timestamp)
            .where(last.c.id == last_id, last.c.sender_id == sender_id)
            .scalar_subquery()
            .label("last_timestamp"),
        ).subquery("cache_check")
        event = table
        self.catch_up = (
            sa.select(check, event.c.id, event.c.type_name, event.c.timestamp, event.c.data)
            .select_from(
                check.outerjoin(event, sa.and_(event.c.sender_id == sender_id, event.c.id > last_id))
            )
            .order_by(event.c.id)
        )
        starts, everything, top, newest = (table.alias(n) for n in ("starts", "everything", "top", "newest"))
        session_start = (
            sa.select(sa.func.max(starts.c.timestamp))
            .where(starts.c.sender_id == sender_id, starts.c.type_name == SESSION_STARTED)
            .scalar_subquery()
        )
        top_id = sa.select(sa.func.max(top.c.id)).where(top.c.sender_id == sender_id).scalar_subquery()
        self.read_session = (
            sa.select(
                event.c.id,
                event.c.type_name,
                event.c.timestamp,
                event.c.data,
                session_start.label("session_start"),
                sa.select(sa.func.count())
                .select_from(everything)
                .where(everything.c.sender_id == sender_id)
                .scalar_subquery()
                .label("seen"),
                top_id.label("last_id"),
                sa.select(newest.c.timestamp)
                .where(newest.c.id == top_id)
                .scalar_subquery()
                .label("last_timestamp"),
            )
            .where(
                event.c.sender_id == sender_id,
                sa.or_(event.c.timestamp >= session_start, session_start.is_(None)),
            )
            .order_by(event.c.id)
        )


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


def ensure_sqlite_folder(url: str) -> None:
    """Create the folder of a SQLite database file, so a fresh clone just runs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
