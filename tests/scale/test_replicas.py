"""One conversation across replicas, and concurrent messages of one sender (Redis lock store)."""

from __future__ import annotations

import threading
import time
import uuid

from tests.scale.support import count, post, tracker_events, turns

QUESTIONS = [
    "what is crs",
    "how soon after car t does crs show up",
    "what are the signs of crs i should watch for",
    "how do doctors treat crs",
    "is crs dangerous",
    "what is a cytokine",
]


def test_conversation_continues_across_replicas(scale_stack):
    sender = f"replicas-{uuid.uuid4().hex[:8]}"
    messages = QUESTIONS[:4] + ['/feedback{"feedback_value": "down"}']
    replies = []
    for index, message in enumerate(messages):
        replica_url = scale_stack.rasa_urls[index % 2]  # 0, 1, 0, 1, 0
        reply = post(replica_url, sender, message)
        assert reply.status == 200 and reply.texts, (index, reply)
        replies.append(reply.texts)

    events = tracker_events(scale_stack.database_url, sender)
    # One session: replica 1 continued the conversation replica 0 started.
    assert count(events, "session_started") == 1
    assert count(events, "action", "action_session_start") == 1
    assert [(text, bot) for text, bot in turns(events)] == list(zip(messages, replies, strict=True))
    # The feedback turn ran the custom action and kept the value in the conversation.
    assert any(
        e["event"] == "slot" and e["name"] == "feedback_value" and e["value"] == "down" for e in events
    )
    # The FAQ answers are the right ones whichever replica gave them.
    assert all("care team" in " ".join(texts) for texts in replies)


def test_concurrent_messages_of_one_sender_are_serialised(scale_stack):
    sender = f"lock-{uuid.uuid4().hex[:8]}"
    messages = [f"{QUESTIONS[i % len(QUESTIONS)]} ({i})" for i in range(12)]
    results = {}

    def send(message: str) -> None:
        reply = post(scale_stack.url, sender, message)
        results[message] = (reply, time.monotonic())

    threads = [threading.Thread(target=send, args=(m,)) for m in messages]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)

    assert all(results[m][0].status == 200 for m in messages), {m: r[0].status for m, r in results.items()}
    events = tracker_events(scale_stack.database_url, sender)
    stored = turns(events)
    # Every message once, each followed by exactly the reply its client received:
    # no turn was interleaved with another or lost.
    assert sorted(text for text, _ in stored) == sorted(messages)
    for text, bot in stored:
        assert bot == results[text][0].texts, text
    # Strict alternation in the store: user, the turn's actions, action_listen, next user.
    kinds = [e["event"] for e in events]
    user_positions = [i for i, kind in enumerate(kinds) if kind == "user"]
    for start, end in zip(user_positions, user_positions[1:], strict=False):
        between = events[start + 1 : end]
        assert between and between[-1].get("name") == "action_listen", between
        assert sum(1 for e in between if e.get("name") == "action_listen") == 1
    # Processed one at a time, in the order the lock store served them: the
    # replies came back in the order the turns were stored.
    finished = [results[text][1] for text, _ in stored]
    assert finished == sorted(finished)
