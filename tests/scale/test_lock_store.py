"""The atomic Redis lock store: unique tickets when several processes ask at once."""

from __future__ import annotations

import threading
import uuid

import pytest
from rasa.utils.endpoints import EndpointConfig

from assistant.plugins.lock_store import AtomicRedisLockStore
from tests.scale.conftest import REDIS_DB, REDIS_HOST, REDIS_PORT
from tests.scale.support import delete_redis_keys


@pytest.fixture
def prefix():
    value = f"crstest{uuid.uuid4().hex[:8]}"
    yield value
    delete_redis_keys(REDIS_HOST, REDIS_PORT, REDIS_DB, value)


def store(prefix: str) -> AtomicRedisLockStore:
    config = EndpointConfig(
        url=REDIS_HOST, type="assistant.plugins.lock_store.AtomicRedisLockStore",
        port=REDIS_PORT, db=REDIS_DB, key_prefix=prefix,
    )  # fmt: skip
    return AtomicRedisLockStore(endpoint_config=config)


def test_tickets_are_unique_across_concurrent_stores(prefix):
    stores = [store(prefix) for _ in range(4)]  # as four replicas would have
    conversation = "same-conversation"
    tickets = []

    def issue(lock_store: AtomicRedisLockStore) -> None:
        for _ in range(50):
            tickets.append(lock_store.issue_ticket(conversation))

    threads = [threading.Thread(target=issue, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(tickets) == list(range(200))
    lock = stores[0].get_lock(conversation)
    assert lock is not None and lock.now_serving == 0

    for ticket in tickets:
        stores[ticket % 4].cleanup(conversation, ticket)
    assert stores[0].get_lock(conversation) is None  # deleted with the last ticket


def test_the_lock_survives_cleanup_while_someone_waits(prefix):
    lock_store = store(prefix)
    first, second = lock_store.issue_ticket("c"), lock_store.issue_ticket("c")
    lock_store.cleanup("c", first)
    lock = lock_store.get_lock("c")
    assert lock is not None and lock.now_serving == second
    lock_store.cleanup("c", second)
    assert lock_store.get_lock("c") is None
