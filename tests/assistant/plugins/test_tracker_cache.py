"""The tracker cache returns the trackers Rasa's SQLTrackerStore builds, and stores the same rows.

Checked on a SQLite file here, and on PostgreSQL by tests/scale/test_tracker_cache.py
with the same scenarios (`check_*`): a 36-turn conversation with a form, a revert, a
restart and a new session; two stores (two workers or replicas) on one database taking
turns; a store restarted with an empty cache; saves with no read before them (twice in
a row, and after another store wrote); events written with a clock behind; retention
deleting a conversation (and SQLite giving its ids to the next one); a row committed
late below the last id seen; the retry of a failed read or write. After every turn the
cached stores' trackers are compared with Rasa's uncached read of the same database, and
at the end the stored rows with those of Rasa's store running the same script alone on
another database. No timing is asserted (bench/tracker_turns.py measures).
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    DefinePrevUserUtteredFeaturization,
    Event,
    Restarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from sqlalchemy.exc import OperationalError

from assistant.plugins import store_health
from assistant.plugins.tracker_store import SettingsSQLTrackerStore, TrackerStoreUnavailable, fork
from assistant.settings import Settings, get_settings
from bench.tracker_turns import Clock, domain, turn, turn_events

DOMAIN = domain()
START = 1_790_000_000.0  # the scripted clock: the same timestamps in every run
SESSION_RESTART_AT = 20
TURNS = 36


def extras(number: int) -> Optional[Callable[[Clock], Sequence[Event]]]:
    """The script's events beyond FAQ turns: a form, a revert, a restart."""
    table: Dict[int, Callable[[Clock], Sequence[Event]]] = {
        5: lambda c: [ActiveLoop("feedback_form", c()), SlotSet("feedback_value", "up", c())],
        6: lambda c: [ActiveLoop(None, c()), SlotSet("feedback_value", None, c())],
        11: lambda c: [ActionExecuted("utter_goodbye", timestamp=c()), ActionReverted(c())],
        27: lambda c: [ActionExecuted("action_restart", timestamp=c()), Restarted(c())],
    }
    return table.get(number)


def play(store: Any, sender: str, number: int, clock: Clock) -> DialogueStateTracker:
    return asyncio.run(turn(store, sender, number, clock, number == SESSION_RESTART_AT, extras(number)))


class Stores:
    """Cached stores (as Rasa creates them, from the settings) and Rasa's own, on any database URL."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.made: List[SQLTrackerStore] = []

    def cached(self, url: str, size: int = 256, retry_seconds: str = "0.5") -> SettingsSQLTrackerStore:
        self.monkeypatch.setenv("CRS_DATABASE_URL", url)
        self.monkeypatch.setenv("CRS_TRACKER_CACHE_SIZE", str(size))
        self.monkeypatch.setenv("CRS_DB_RETRY_SECONDS", retry_seconds)
        get_settings.cache_clear()
        try:
            store = SettingsSQLTrackerStore(domain=DOMAIN)
        finally:
            get_settings.cache_clear()
        self.made.append(store)
        return store

    def rasa(self, url: str) -> SQLTrackerStore:
        store = SQLTrackerStore(domain=DOMAIN, host=url)
        self.made.append(store)
        return store

    def close(self) -> None:
        for store in self.made:
            store.engine.dispose()


@pytest.fixture
def stores(monkeypatch):
    monkeypatch.setattr(store_health, "HEALTH", store_health.StoreHealth())
    monkeypatch.setattr("assistant.plugins.tracker_store.HEALTH", store_health.HEALTH)
    made = Stores(monkeypatch)
    yield made
    made.close()


@pytest.fixture
def urls(tmp_path) -> Tuple[str, str]:
    """Two SQLite databases: the one under test and one for Rasa's store alone."""
    return f"sqlite:///{tmp_path / 'cached.db'}", f"sqlite:///{tmp_path / 'rasa.db'}"


def assert_same(got: Optional[DialogueStateTracker], expected: Optional[DialogueStateTracker]) -> None:
    if expected is None:
        assert got is None
        return
    assert got is not None
    assert got.current_state(EventVerbosity.ALL) == expected.current_state(EventVerbosity.ALL)
    assert list(got.events) == list(expected.events)
    assert got.past_states(DOMAIN) == expected.past_states(DOMAIN)
    assert [e.use_text_for_featurization for e in got.events if isinstance(e, UserUttered)] == [
        e.use_text_for_featurization for e in expected.events if isinstance(e, UserUttered)
    ]


def assert_as_rasa(stores: Sequence[SQLTrackerStore], reference: SQLTrackerStore, sender: str) -> None:
    expected = asyncio.run(reference.retrieve(sender))
    for store in stores:
        assert_same(asyncio.run(store.retrieve(sender)), expected)


def rows(url: str) -> List[Tuple[Any, ...]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return [
                tuple(row)
                for row in connection.execute(
                    sa.text(
                        "SELECT sender_id, type_name, timestamp, intent_name, action_name, data "
                        "FROM events ORDER BY id"
                    )
                )
            ]
    finally:
        engine.dispose()


def execute(url: str, statement: str, **params: Any) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            return int(connection.execute(sa.text(statement), params).rowcount or 0)
    finally:
        engine.dispose()


def rasa_alone(url: str, stores: Stores, plan: Sequence[Tuple[str, int]]) -> List[Tuple[Any, ...]]:
    """The rows Rasa's store writes for `plan` (sender, turn number) on its own database."""
    store, clock = stores.rasa(url), Clock(START)
    for sender, number in plan:
        play(store, sender, number, clock)
    return rows(url)


def count_full_reads(store: SettingsSQLTrackerStore, monkeypatch: pytest.MonkeyPatch) -> List[str]:
    reads: List[str] = []
    read = store._read_session

    def counted(session, sender_id):
        reads.append(sender_id)
        return read(session, sender_id)

    monkeypatch.setattr(store, "_read_session", counted)
    return reads


# The scenarios, also run on PostgreSQL by tests/scale/test_tracker_cache.py.


def check_long_conversation(url: str, other_url: str, stores: Stores) -> None:
    store, reference, clock = stores.cached(url), stores.rasa(url), Clock(START)
    reads = count_full_reads(store, stores.monkeypatch)
    for number in range(TURNS):
        play(store, "parent", number, clock)
        assert_as_rasa([store], reference, "parent")
    assert rows(url) == rasa_alone(other_url, stores, [("parent", n) for n in range(TURNS)])
    # Read in full: the new conversation (nothing yet), its first session, the second session.
    assert reads == ["parent"] * 3


def check_stores_taking_turns(url: str, other_url: str, stores: Stores) -> None:
    """Two workers (or replicas), each with its cache, serving two conversations in turn."""
    first, second, reference = stores.cached(url), stores.cached(url), stores.rasa(url)
    clock = Clock(START)
    plan: List[Tuple[str, int]] = []
    for number in range(TURNS):
        for sender in ("anna", "ben"):
            # anna alternates between the stores; ben stays on one, then moves for good.
            store = (first, second)[number % 2] if sender == "anna" else (first if number < 15 else second)
            play(store, sender, number, clock)
            plan.append((sender, number))
            # The other store reads now and then: it catches up several turns at once.
            assert_as_rasa([first, second] if number % 7 == 6 else [store], reference, sender)
    assert rows(url) == rasa_alone(other_url, stores, plan)


def check_restart(url: str, other_url: str, stores: Stores) -> None:
    """A restarted process starts with an empty cache; an old one is still running."""
    old, reference, clock = stores.cached(url), stores.rasa(url), Clock(START)
    for number in range(12):
        play(old, "parent", number, clock)
    restarted = stores.cached(url)
    for number in range(12, 30):
        play(restarted, "parent", number, clock)
        assert_as_rasa([restarted, old], reference, "parent")
    assert rows(url) == rasa_alone(other_url, stores, [("parent", n) for n in range(30)])


def unsaved_turns(
    first: Any, second: Any, clock: Clock, log: Callable[[DialogueStateTracker, int], None]
) -> None:
    """Saves that do not follow a read: a tracker saved twice, and a write by another store in between."""
    for number in range(4):
        play(first, "parent", number, clock)
    tracker = asyncio.run(first.retrieve("parent"))
    log(tracker, 4)
    asyncio.run(first.save(tracker))
    log(tracker, 5)
    asyncio.run(first.save(tracker))  # again, with no read in between
    tracker = asyncio.run(first.retrieve("parent"))
    play(second, "parent", 6, clock)  # another worker writes while this one is in its turn
    log(tracker, 7)
    asyncio.run(first.save(tracker))  # what Rasa stores then (without a lock store) is kept
    play(first, "parent", 8, clock)
    play(second, "parent", 9, clock)


def check_saves_without_reads(url: str, other_url: str, stores: Stores) -> None:
    def log(tracker: DialogueStateTracker, number: int) -> None:
        for event in turn_events(number, clock):
            tracker.update(event)

    clock = Clock(START)
    unsaved_turns(stores.cached(url), stores.cached(url), clock, log)
    clock = Clock(START)
    unsaved_turns(stores.rasa(other_url), stores.rasa(other_url), clock, log)
    assert rows(url) == rows(other_url)
    assert_as_rasa([stores.cached(url)], stores.rasa(url), "parent")


def check_retention(url: str, stores: Stores) -> None:
    """Deleted events never come back from the cache; a new conversation is read as such."""
    store, reference, clock = stores.cached(url), stores.rasa(url), Clock(START)
    for number in range(4):
        play(store, "kept", number, clock)
        play(store, "purged", number, clock)
    # One event deleted in the middle (say, by hand), then the whole conversation (retention).
    middle = "SELECT id FROM events WHERE sender_id = 'purged' AND type_name = 'bot' ORDER BY id LIMIT 1"
    assert execute(url, f"DELETE FROM events WHERE id = ({middle})") == 1
    assert_as_rasa([store], reference, "purged")
    assert execute(url, "DELETE FROM events WHERE sender_id = 'purged'") > 0
    assert asyncio.run(store.retrieve("purged")) is None
    assert_as_rasa([store], reference, "kept")
    for number in range(3):
        play(store, "purged", 100 + number, clock)
        assert_as_rasa([store], reference, "purged")
    tracker = asyncio.run(store.retrieve("purged"))
    assert tracker is not None and not any(
        isinstance(e, UserUttered) and e.text and e.text.startswith("question 0:") for e in tracker.events
    )


def check_clock_behind(url: str, stores: Stores) -> None:
    """Rasa's session is "events at or after the latest session start's time": events another
    replica writes with a clock behind are stored but not in the session. The cache agrees."""
    store, behind, reference, clock = stores.cached(url), stores.cached(url), stores.rasa(url), Clock(START)
    for number in range(SESSION_RESTART_AT, SESSION_RESTART_AT + 3):  # the first one starts a session
        play(store, "parent", number, clock)
    assert_as_rasa([store], reference, "parent")
    late = Clock(clock.now - 10.0)
    play(behind, "parent", 50, late)
    assert_as_rasa([store, behind], reference, "parent")
    tracker = asyncio.run(reference.retrieve("parent"))
    assert tracker is not None  # Rasa leaves the late turn out: so must the cache (above)
    assert not any(getattr(e, "message_id", None) == f"{50:032x}" for e in tracker.events)
    play(store, "parent", 51, clock)
    assert_as_rasa([store, behind], reference, "parent")


def check_late_commit(url: str, stores: Stores) -> None:
    """A row with a lower id than the cached one's last, committed later (PostgreSQL ids are
    handed out at insert, visible at commit), is noticed: the count up to that id changed."""
    store, reference, clock = stores.cached(url), stores.rasa(url), Clock(START)
    for number in range(3):
        play(store, "parent", number, clock)
        play(store, "other", number, clock)
    assert_as_rasa([store], reference, "parent")
    entry = store.cache.get("parent")
    assert entry is not None
    gap = "SELECT max(id) FROM events WHERE sender_id = 'other' AND id < :last"
    late = execute_ids(url, gap, last=entry.last_id)[0]
    execute(url, "DELETE FROM events WHERE id = :id", id=late)
    execute(
        url,
        "INSERT INTO events (id, sender_id, type_name, timestamp, data) "
        "VALUES (:id, 'parent', 'slot', :t, :d)",
        id=late,
        t=clock(),
        d='{"event": "slot", "name": "feedback_value", "value": "down", "timestamp": 1790000100.0}',
    )
    assert_as_rasa([store], reference, "parent")
    play(store, "parent", 3, clock)
    assert_as_rasa([store], reference, "parent")


def check_reused_ids(url: str, stores: Stores) -> None:
    """SQLite gives the ids of deleted last rows to the next rows: a cached copy must notice."""
    store, reference, clock = stores.cached(url), stores.rasa(url), Clock(START)
    for number in range(3):
        play(store, "parent", number, clock)
    assert_as_rasa([store], reference, "parent")
    before = [row[5] for row in rows(url)]
    ids_before = execute_ids(url)
    execute(url, "DELETE FROM events WHERE sender_id = 'parent'")
    # Another process writes a conversation of as many events for the same sender.
    tracker = DialogueStateTracker.from_events("parent", [], DOMAIN.slots)
    for _ in before:
        tracker.update(ActionExecuted("action_listen", timestamp=clock()))
    asyncio.run(reference.save(tracker))
    if url.startswith("sqlite"):
        assert execute_ids(url) == ids_before  # the same ids, other events
    assert_as_rasa([store], reference, "parent")


def execute_ids(url: str, query: str = "SELECT id FROM events ORDER BY id", **params: Any) -> List[int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return [int(i) for (i,) in connection.execute(sa.text(query), params)]
    finally:
        engine.dispose()


def check_retries(url: str, stores: Stores) -> None:
    """A read or write that fails once is retried on the cached path; a long outage raises."""
    store, reference, clock = stores.cached(url), stores.rasa(url), Clock(START)
    for number in range(3):
        play(store, "parent", number, clock)
    real = SettingsSQLTrackerStore._catch_up
    failures = {"left": 2}

    def flaky(self, session, sender_id, entry):
        if failures["left"] > 0:
            failures["left"] -= 1
            raise OperationalError("SELECT", {}, Exception("server closed the connection"))
        return real(self, session, sender_id, entry)

    stores.monkeypatch.setattr(SettingsSQLTrackerStore, "_catch_up", flaky)
    failures["left"] = 1
    tracker = asyncio.run(store.retrieve("parent"))  # read: fails once, retried
    assert_same(tracker, asyncio.run(reference.retrieve("parent")))
    assert tracker is not None
    failures["left"] = 1
    tracker.update(UserUttered("one more question", timestamp=clock()))
    asyncio.run(store.save(tracker))  # write: fails once, retried, stored once
    assert store_health.HEALTH.recovered_after_retry == 2 and store_health.HEALTH.failures == 0
    assert_as_rasa([store], reference, "parent")

    failures["left"] = 1000
    with pytest.raises(TrackerStoreUnavailable):
        asyncio.run(store.retrieve("parent"))
    assert store_health.HEALTH.failures == 1
    failures["left"] = 0
    play(store, "parent", 3, clock)
    assert_as_rasa([store], reference, "parent")


def test_a_long_conversation_is_rasas(urls, stores):
    check_long_conversation(*urls, stores)


@pytest.mark.slow
def test_two_stores_taking_turns_on_one_database(urls, stores):
    check_stores_taking_turns(*urls, stores)


def test_a_restarted_store_starts_empty_and_catches_up(urls, stores):
    check_restart(*urls, stores)


def test_saves_without_a_read_store_what_rasa_stores(urls, stores):
    check_saves_without_reads(*urls, stores)


def test_retention_deletes_are_never_undone_by_the_cache(urls, stores):
    check_retention(urls[0], stores)


def test_events_from_a_clock_behind_stay_out_of_the_session_as_in_rasa(urls, stores):
    check_clock_behind(urls[0], stores)


def test_a_late_commit_below_the_last_id_is_noticed(urls, stores):
    check_late_commit(urls[0], stores)


def test_reused_ids_are_noticed(urls, stores):
    check_reused_ids(urls[0], stores)


def test_the_retries_work_on_the_cached_path(urls, stores):
    check_retries(urls[0], stores)


def test_changing_a_returned_tracker_does_not_change_the_cache(urls, stores):
    url = urls[0]
    store, reference, clock = stores.cached(url), stores.rasa(url), Clock(START)
    for number in range(6):
        play(store, "parent", number, clock)
    tracker = asyncio.run(store.retrieve("parent"))
    assert tracker is not None
    # What a turn does to its tracker, then fails before saving.
    tracker.update(DefinePrevUserUtteredFeaturization(True, clock()))
    tracker.update(ActiveLoop("feedback_form", clock()))
    tracker.update(SlotSet("feedback_value", "down", clock()))
    tracker.reject_action("utter_faq")
    tracker.slots["urgency_level"].value = "emergency"
    assert tracker.latest_action is not None
    tracker.latest_action["action_name"] = "changed"
    tracker.events.clear()
    assert_as_rasa([store], reference, "parent")


def test_a_retrieve_with_nothing_new_reads_no_events_in_full(urls, stores):
    store, clock = stores.cached(urls[0]), Clock(START)
    for number in range(3):
        play(store, "parent", number, clock)
    reads = count_full_reads(store, stores.monkeypatch)
    calls: List[int] = []
    real = DialogueStateTracker.from_dict
    stores.monkeypatch.setattr(
        DialogueStateTracker, "from_dict", classmethod(lambda cls, *a, **k: calls.append(1) or real(*a, **k))
    )
    for _ in range(3):
        assert asyncio.run(store.retrieve("parent")) is not None
    play(store, "parent", 3, clock)
    assert reads == [] and calls == []


def test_the_cache_is_bounded_and_can_be_off(urls, stores):
    url = urls[0]
    small, off, reference = stores.cached(url, size=2), stores.cached(url, size=0), stores.rasa(url)
    reads, clock = count_full_reads(off, stores.monkeypatch), Clock(START)
    for sender in ("a", "b", "c"):
        play(small, sender, 0, clock)  # a new conversation: cached from its second turn
        play(small, sender, 1, clock)
        play(off, sender, 2, clock)
    assert len(small.cache) == 2 and small.cache.get("a") is None  # least recently used went
    assert len(off.cache) == 0 and reads == []  # cache off: Rasa's own read and save
    for sender in ("a", "b", "c"):
        assert_as_rasa([small, off], reference, sender)


def test_long_conversations_are_bounded_by_their_events(urls, stores):
    stores.monkeypatch.setattr("assistant.plugins.tracker_cache.EVENTS_PER_CONVERSATION", 10)
    url = urls[0]
    store, reference, clock = stores.cached(url, size=3), stores.rasa(url), Clock(START)
    assert store.cache.max_events == 30
    for number in range(4):
        for sender in ("a", "b"):
            play(store, sender, number, clock)
    # About 17 events each (turns 0-2: the last turn is read with the next retrieve): one fits.
    assert len(store.cache) == 1 and store.cache.get("b") is not None
    for number in range(4, 12):
        play(store, "a", number, clock)  # alone over the bound: still kept
    assert len(store.cache) == 1 and store.cache.get("a") is not None and store.cache.events > 30
    for sender in ("a", "b"):
        assert_as_rasa([store], reference, sender)


def test_a_new_domain_empties_the_cache(urls, stores):
    store, clock = stores.cached(urls[0]), Clock(START)
    play(store, "parent", 0, clock)
    asyncio.run(store.retrieve("parent"))
    assert len(store.cache) == 1
    store.domain = Domain.empty()
    assert len(store.cache) == 0


def test_fork_shares_events_but_not_state():
    tracker = DialogueStateTracker.from_events(
        "s",
        [UserUttered("hi", {"name": "greet"}, timestamp=1.0), ActionExecuted("action_listen", timestamp=2.0)],
        DOMAIN.slots,
    )
    assert tracker.latest_message is not None
    flag = tracker.latest_message.use_text_for_featurization
    copy = fork(tracker)
    assert list(copy.events) == list(tracker.events) and copy.events[1] is tracker.events[1]
    assert copy.latest_message is not tracker.latest_message and copy.events[0] is copy.latest_message
    copy.update(DefinePrevUserUtteredFeaturization(True, 3.0))
    assert copy.latest_message is not None and copy.latest_message.use_text_for_featurization is True
    assert tracker.latest_message.use_text_for_featurization is flag and flag is not True
    assert len(tracker.events) == 2


def test_the_cache_size_is_a_setting_with_bounds():
    assert Settings.from_env({}).tracker_cache_size == 64
    assert Settings.from_env({"CRS_TRACKER_CACHE_SIZE": " 0 "}).tracker_cache_size == 0
    for bad in ("many", "-1", "100001", "2.5"):
        with pytest.raises(ValueError, match="CRS_TRACKER_CACHE_SIZE"):
            Settings.from_env({"CRS_TRACKER_CACHE_SIZE": bad})
