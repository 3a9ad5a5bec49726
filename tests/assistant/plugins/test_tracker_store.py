"""The tracker store retries a database that went away, then fails loudly (never to memory)."""

from __future__ import annotations

import asyncio

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import OperationalError

from assistant.plugins import store_health
from assistant.plugins.tracker_store import SettingsSQLTrackerStore, TrackerStoreUnavailable
from assistant.settings import get_settings


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("CRS_DATABASE_URL", f"sqlite:///{tmp_path / 'rasa.db'}")
    monkeypatch.setenv("CRS_DB_RETRY_SECONDS", "0.5")
    monkeypatch.setattr(store_health, "HEALTH", store_health.StoreHealth())
    monkeypatch.setattr("assistant.plugins.tracker_store.HEALTH", store_health.HEALTH)
    get_settings.cache_clear()
    yield SettingsSQLTrackerStore(domain=Domain.empty())
    get_settings.cache_clear()


def tracker(sender: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, [UserUttered("what is crs")])


def failing(times: int):
    calls = {"n": 0}
    real_save = SettingsSQLTrackerStore._save  # the write `save` retries (the cache is on by default)

    async def save(self, t):
        calls["n"] += 1
        if calls["n"] <= times:
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        await real_save(self, t)

    return save, calls


def test_a_brief_outage_is_retried_and_the_tracker_stored(store, monkeypatch):
    save, calls = failing(times=1)
    monkeypatch.setattr(SettingsSQLTrackerStore, "_save", save)
    asyncio.run(store.save(tracker("brief")))
    assert calls["n"] == 2
    assert asyncio.run(store.retrieve("brief")) is not None
    assert store_health.HEALTH.recovered_after_retry == 1 and store_health.HEALTH.failures == 0


def test_a_longer_outage_raises_and_is_counted_for_the_request(store, monkeypatch, caplog):
    save, _ = failing(times=1000)
    monkeypatch.setattr(SettingsSQLTrackerStore, "_save", save)
    failures = store_health.begin_request()
    with pytest.raises(TrackerStoreUnavailable):
        asyncio.run(store.save(tracker("long")))
    assert failures and failures[0].startswith("save: OperationalError")
    assert store_health.HEALTH.failures == 1
    assert "Tracker store unavailable" in caplog.text


def test_health_reports_the_database(store):
    report = store_health.HEALTH.check()
    assert report["status"] == "ok" and report["tracker_store"]["reachable"] is True
    store.engine.dispose()
    store_health.HEALTH.ping = lambda: (_ for _ in ()).throw(OSError("connection refused"))
    report = store_health.HEALTH.check()
    assert report["status"] == "unavailable" and "connection refused" in report["tracker_store"]["error"]


SECRET = "my son Liam Okafor MRN 4471902 has a fever of 39.8"


@pytest.mark.slow
@pytest.mark.parametrize("cache_size", ["64", "0"])  # the project's batched save, and Rasa's own
def test_a_locked_database_keeps_the_parents_text_out_of_the_log(tmp_path, monkeypatch, caplog, cache_size):
    import sqlite3

    monkeypatch.setenv("CRS_TRACKER_CACHE_SIZE", cache_size)
    monkeypatch.setenv("CRS_DATABASE_URL", f"sqlite:///{tmp_path / 'rasa.db'}")
    monkeypatch.setenv("CRS_DB_RETRY_SECONDS", "0.3")
    health = store_health.StoreHealth()
    monkeypatch.setattr("assistant.plugins.tracker_store.HEALTH", health)
    get_settings.cache_clear()
    store = SettingsSQLTrackerStore(domain=Domain.empty())
    get_settings.cache_clear()
    blocker = sqlite3.connect(tmp_path / "rasa.db", timeout=0)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the file, as a console sync can
    try:
        with pytest.raises(TrackerStoreUnavailable) as raised:
            asyncio.run(store.save(DialogueStateTracker.from_events("locked", [UserUttered(SECRET)])))
    finally:
        blocker.rollback()
    logged = caplog.text + str(raised.value) + str(health.last_error)
    assert "database is locked" in caplog.text  # the cause is still told
    assert "Liam" not in logged and "4471902" not in logged
