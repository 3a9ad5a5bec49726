"""assistant.plugins.store_health: failure counters, per-request failure lists and the health report."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from typing import Dict, List

from assistant.plugins.store_health import StoreHealth, begin_request


def in_own_context(function):
    """Run `function` in a copy of the context, so no request list leaks into other tests."""
    return contextvars.copy_context().run(function)


def test_a_failure_is_counted_with_its_first_line_only():
    health = StoreHealth()
    health.record_failure("save", ConnectionError("server closed the connection\nDETAIL: more"))
    assert health.failures == 1
    assert health.last_error == "save: ConnectionError: server closed the connection"
    assert health.last_error_at is not None

    health.record_failure("retrieve", TimeoutError())
    assert health.failures == 2
    assert health.last_error == "retrieve: TimeoutError"


def test_failures_go_to_the_request_that_had_them():
    health = StoreHealth()

    def request() -> List[str]:
        failures = begin_request()
        health.record_failure("save", OSError("down"))
        return failures

    assert in_own_context(request) == ["save: OSError: down"]
    # Outside any request: counted, collected nowhere, no error.
    in_own_context(lambda: health.record_failure("save", OSError("again")))
    assert health.failures == 2


def test_concurrent_requests_each_see_only_their_own_failures():
    health = StoreHealth()

    async def request(name: str, fail: bool) -> List[str]:
        failures = begin_request()
        await asyncio.sleep(0.01)  # interleave with the other requests
        if fail:
            health.record_failure("save", OSError(name))
        await asyncio.sleep(0.01)
        return failures

    async def main() -> List[List[str]]:
        return list(await asyncio.gather(request("a", True), request("b", False), request("c", True)))

    assert asyncio.run(main()) == [["save: OSError: a"], [], ["save: OSError: c"]]


def test_a_new_request_starts_with_no_failures():
    health = StoreHealth()

    def two_requests() -> List[str]:
        begin_request()
        health.record_failure("save", OSError("first"))
        return begin_request()

    assert in_own_context(two_requests) == []


def test_counters_are_exact_under_threads():
    health = StoreHealth()

    def work() -> None:
        for _ in range(500):
            health.record_failure("save", OSError("x"))
            health.record_retry_success()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (health.failures, health.recovered_after_retry) == (4000, 4000)


def test_without_a_ping_the_report_says_ok_and_unknown():
    health = StoreHealth()
    health.record_ok()
    report = health.check()
    assert report["status"] == "ok"
    store: Dict[str, object] = report["tracker_store"]
    assert store["reachable"] is None and store["error"] is None
    assert store["last_ok_at"] is not None and store["failures"] == 0


def test_a_ping_that_answers_means_reachable():
    calls: List[int] = []
    health = StoreHealth(ping=lambda: calls.append(1))
    health.record_retry_success()
    report = health.check()
    assert calls == [1]  # pinged now, not cached
    assert report["status"] == "ok"
    assert report["tracker_store"] == {
        "reachable": True,
        "error": None,
        "failures": 0,
        "recovered_after_retry": 1,
        "last_error": None,
        "last_error_at": None,
        "last_ok_at": None,
    }


def test_a_failing_ping_means_unavailable_with_the_error():
    def ping() -> None:
        raise ConnectionRefusedError("connection refused\nIs the server running?")

    health = StoreHealth(ping=ping)
    health.record_failure("save", OSError("down"))
    report = health.check()
    assert report["status"] == "unavailable"
    store: Dict[str, object] = report["tracker_store"]
    assert store["reachable"] is False
    assert store["error"] == "ConnectionRefusedError: connection refused"
    assert store["failures"] == 1 and store["last_error"] == "save: OSError: down"
    assert health.failures == 1  # checking is not a failure of the store's own operations
