"""PostgreSQL going away: the bot answers with an error or retries, never forgets silently.

Rasa wraps the tracker store in `FailSafeTrackerStore`, which would start a new,
in-memory conversation. The project's store retries, then fails loudly: HTTP 503
from the REST channel, a health endpoint that says so, an ERROR in the log.
"""

from __future__ import annotations

import threading
import uuid

import pytest

from launcher.databases import ensure_database
from launcher.stack import StackOptions, start_stack
from tests.scale.own_postgres import OwnPostgres
from tests.scale.support import count, get_json, post, tracker_events, turns

RETRY_SECONDS = "4"


@pytest.fixture(scope="module")
def outage(tmp_path_factory):
    server = OwnPostgres()
    server.init()
    server.start()
    try:
        ensure_database(f"{server.url}/crs")
        log_dir = tmp_path_factory.mktemp("outage-logs")
        with start_stack(
            StackOptions(
                database_url=f"{server.url}/crs",
                gateway=False,
                log_dir=log_dir,
                extra_env={"CRS_DB_RETRY_SECONDS": RETRY_SECONDS},
            )
        ) as stack:
            yield stack, server, log_dir
    finally:
        if server.running():
            server.stop()
        server.remove()


def test_database_down_means_an_error_reply_not_a_forgotten_conversation(outage):
    stack, server, log_dir = outage
    sender = f"outage-{uuid.uuid4().hex[:8]}"
    health = f"{stack.rasa_url}/webhooks/rest/health"

    first = post(stack.rasa_url, sender, "what is crs")
    assert first.status == 200 and first.texts
    assert get_json(health)[0] == 200

    server.stop()
    during = post(stack.rasa_url, sender, "how is crs treated")
    assert during.status == 503, during
    assert during.body["error"] == "tracker_store_unavailable"
    status, report = get_json(health)
    assert status == 503
    assert report["tracker_store"]["reachable"] is False
    assert report["tracker_store"]["failures"] >= 1
    assert "Tracker store unavailable" in (log_dir / "rasa.log").read_text(errors="replace")

    server.start()
    status, report = get_json(health)
    assert status == 200 and report["tracker_store"]["reachable"] is True
    after = post(stack.rasa_url, sender, "is crs dangerous")
    assert after.status == 200 and after.texts

    events = tracker_events(f"{server.url}/crs", sender)
    # The same conversation went on: one session, the answered turns, and not the
    # message that was refused.
    assert count(events, "session_started") == 1
    assert turns(events) == [("what is crs", first.texts), ("is crs dangerous", after.texts)]


def test_brief_restart_is_retried_and_the_message_stored(outage):
    stack, server, _ = outage
    sender = f"restart-{uuid.uuid4().hex[:8]}"
    assert post(stack.rasa_url, sender, "what is crs").status == 200

    server.stop()
    replies = []
    sending = threading.Thread(target=lambda: replies.append(post(stack.rasa_url, sender, "is crs common")))
    sending.start()
    server.start()  # back within the retry budget
    sending.join(timeout=60)

    assert replies and replies[0].status == 200 and replies[0].texts, replies
    stored = turns(tracker_events(f"{server.url}/crs", sender))
    assert [text for text, _ in stored] == ["what is crs", "is crs common"]
    status, report = get_json(f"{stack.rasa_url}/webhooks/rest/health")
    assert status == 200 and report["tracker_store"]["recovered_after_retry"] >= 1
