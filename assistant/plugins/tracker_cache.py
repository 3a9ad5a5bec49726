"""The parts of `assistant.plugins.tracker_store.SettingsSQLTrackerStore` that are not the store.

Its tracker cache (`TrackerCache` of `CachedTracker`), the event rows it reads back
(`StoredEvent`, `deserialise` with `event_class`), its prebuilt SQL (`Statements`), and
`ensure_sqlite_folder`. The store's module docstring says how they serve a turn.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Type

import sqlalchemy as sa
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

# The store's logger: its warnings keep the name they have always had.
logger = logging.getLogger("assistant.plugins.tracker_store")

SESSION_STARTED = SessionStarted.type_name


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


def ensure_sqlite_folder(url: str) -> None:
    """Create the folder of a SQLite database file, so a fresh clone just runs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
