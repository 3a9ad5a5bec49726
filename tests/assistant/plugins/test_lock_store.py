"""assistant.plugins.lock_store.AtomicRedisLockStore against the local Redis (127.0.0.1:6379).

Every test uses its own key prefix and deletes its keys. The concurrency of many
replicas at once is tests/scale/test_lock_store.py; here: configuration, what is
stored, the retry when another process changes a lock mid-update, and Rasa's `lock()`.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from typing import Iterator, List, Optional

import pytest
import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig

from assistant.plugins.lock_store import AtomicRedisLockStore

HOST = os.environ.get("CRS_REDIS_HOST", "127.0.0.1")
PORT = int(os.environ.get("CRS_REDIS_PORT", "6379"))
DB = int(os.environ.get("CRS_REDIS_DB", "1"))


@pytest.fixture
def prefix() -> Iterator[str]:
    value = f"crsunit{uuid.uuid4().hex[:8]}"  # Rasa accepts alphanumeric prefixes only
    yield value
    client = redis.Redis(host=HOST, port=PORT, db=DB)
    for key in client.scan_iter(f"{value}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def raw() -> Iterator[redis.Redis]:
    client = redis.Redis(host=HOST, port=PORT, db=DB)
    yield client
    client.close()


def store(prefix: str) -> AtomicRedisLockStore:
    config = EndpointConfig(
        url=HOST,
        type="assistant.plugins.lock_store.AtomicRedisLockStore",
        port=PORT,
        db=DB,
        key_prefix=prefix,
    )
    lock_store = LockStore.create(config)  # as Rasa does with endpoints.yml
    assert isinstance(lock_store, AtomicRedisLockStore)
    return lock_store


def test_endpoints_yml_settings_reach_the_redis_connection(prefix):
    lock_store = store(prefix)
    kwargs = lock_store.red.connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["db"]) == (HOST, PORT, DB)
    assert lock_store.key_prefix.startswith(f"{prefix}:")


def test_a_ticket_is_stored_as_rasas_lock_json_under_the_prefix(prefix, raw):
    lock_store = store(prefix)
    assert lock_store.issue_ticket("conv") == 0
    assert lock_store.issue_ticket("conv") == 1
    keys = [key.decode() for key in raw.scan_iter(f"{prefix}*")]
    assert keys == [lock_store.key_prefix + "conv"]
    lock = TicketLock.from_dict(json.loads(raw.get(keys[0])))
    assert lock.conversation_id == "conv"
    assert [ticket.number for ticket in lock.tickets] == [0, 1]


def test_an_update_retries_when_another_process_changed_the_lock_meanwhile(prefix):
    mine, other = store(prefix), store(prefix)
    calls: List[str] = []
    create = mine.create_lock

    def create_while_another_replica_does(conversation_id: str) -> TicketLock:
        calls.append(conversation_id)
        if len(calls) == 1:  # between this store's read and its write
            assert other.issue_ticket(conversation_id) == 0
        return create(conversation_id)

    mine.create_lock = create_while_another_replica_does
    # Read-modify-write without the transaction would also give ticket 0 and lose the other's.
    assert mine.issue_ticket("conv") == 1
    assert calls == ["conv"]  # the retry found the other's lock: nothing new to create
    lock = mine.get_lock("conv")
    assert lock is not None and [t.number for t in lock.tickets] == [0, 1]


def test_update_lock_drops_expired_tickets(prefix):
    lock_store = store(prefix)
    lock_store.issue_ticket("conv", lock_lifetime=0.2)
    lock_store.issue_ticket("conv", lock_lifetime=60)
    time.sleep(0.3)
    lock_store.update_lock("conv")
    lock = lock_store.get_lock("conv")
    assert lock is not None
    assert [t.number for t in lock.tickets] == [1] and lock.now_serving == 1


def test_the_last_returned_ticket_deletes_the_lock(prefix, raw):
    lock_store = store(prefix)
    first, second = lock_store.issue_ticket("conv"), lock_store.issue_ticket("conv")
    lock_store.finish_serving("conv", second)  # the first still waits: the lock stays
    assert lock_store.get_lock("conv") is not None
    lock_store.finish_serving("conv", first)
    assert lock_store.get_lock("conv") is None
    assert list(raw.scan_iter(f"{prefix}*")) == []


def test_returning_a_ticket_of_an_unknown_conversation_stores_nothing(prefix, raw):
    lock_store = store(prefix)
    lock_store.cleanup("never-seen", 3)
    lock_store.update_lock("never-seen")
    assert list(raw.scan_iter(f"{prefix}*")) == []


def test_rasas_lock_lets_one_turn_at_a_time_through_across_stores(prefix):
    stores = [store(prefix), store(prefix), store(prefix)]
    inside: List[int] = []
    overlaps: List[int] = []
    order: List[int] = []

    async def turn(index: int) -> None:
        async with stores[index].lock("conv", lock_lifetime=30, wait_time_in_seconds=0.02):
            if inside:
                overlaps.append(index)
            inside.append(index)
            order.append(index)
            await asyncio.sleep(0.1)
            inside.remove(index)

    async def main() -> None:
        await asyncio.gather(*(turn(i) for i in range(3)))

    asyncio.run(main())
    assert overlaps == [] and sorted(order) == [0, 1, 2]
    remaining: Optional[TicketLock] = stores[0].get_lock("conv")
    assert remaining is None  # every ticket returned, lock deleted
