"""The console's summary of Rasa's events: incremental, idempotent, safe with late commits."""

from __future__ import annotations

import threading
import time

from sqlalchemy import Engine, delete, func, insert, select

from tests.web.console.rasa_rows import action, bot, insert_rows, user
from web.console.services import listing, reviews, summary
from web.console.tables import conversations, events, messages

T0 = 1_700_000_000.0


def _row(engine: Engine, sender: str) -> listing.ConversationRow:
    with engine.connect() as conn:
        found = listing.summary_row(conn, sender, 0.6)
    assert found is not None
    return found


def _count(engine: Engine, table) -> int:  # noqa: ANN001
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def test_reads_only_new_events_and_updates_the_conversation(engine: Engine) -> None:
    with engine.begin() as conn:
        question = user("p", "what is crs, my son Liam asks", "faq", 0.9, "faq/what_is_crs", 0.8, ts=T0)
        insert_rows(conn, [question, action("p", "utter_faq", ts=T0 + 1), bot("p", "answer", ts=T0 + 1)])
    assert summary.sync(engine) == 3
    first = _row(engine, "p")
    assert (first.turns, first.topics, first.flags) == (1, ("what_is_crs",), frozenset())
    assert "Liam" not in first.preview and first.preview.startswith("what is crs")
    assert summary.sync(engine) == 0  # nothing new: nothing read
    with engine.begin() as conn:
        report = user("p", "he has a fever of 40 now", "report_urgent_symptom", 0.99, ts=T0 + 60)
        insert_rows(conn, [report, action("p", "utter_urgent", ts=T0 + 61), bot("p", "Call 911", ts=T0 + 61)])
    assert summary.sync(engine) == 3
    second = _row(engine, "p")
    assert second.turns == 2 and URGENT_FLAG in second.flags
    assert second.started == T0 and second.last == T0 + 61
    assert second.preview == first.preview  # still the first message


URGENT_FLAG = "urgent"


def test_an_action_in_a_later_batch_flags_the_message_before_it(engine: Engine) -> None:
    with engine.begin() as conn:
        insert_rows(conn, [user("f", "blorp", "faq", 0.9, "faq/what_is_crs", 0.9, ts=T0)])
    summary.sync(engine)
    assert "not_understood" not in _row(engine, "f").flags
    with engine.begin() as conn:
        insert_rows(conn, [action("f", "action_default_fallback", ts=T0 + 1)])
    summary.sync(engine, batch_size=1)
    assert "not_understood" in _row(engine, "f").flags


def test_a_rating_counts_for_the_topic_it_rates(engine: Engine) -> None:
    down = [{"entity": "feedback_value", "value": "down"}]
    with engine.begin() as conn:
        insert_rows(conn, [
            user("r", "when does it start", "faq", 0.9, "faq/when_does_crs_start", 0.9, ts=T0),
            bot("r", "answer", ts=T0 + 1),
            user("r", '/feedback{"feedback_value":"down"}', "feedback", 1.0, entities=down, ts=T0 + 5),
        ])  # fmt: skip
    summary.sync(engine, batch_size=2)
    with engine.connect() as conn:
        rating = conn.execute(select(messages).where(messages.c.kind == "feedback")).one()
    assert (rating.topic, rating.feedback) == ("when_does_crs_start", "down")
    row = _row(engine, "r")
    assert row.turns == 1 and "thumbs_down" in row.flags


def test_reading_again_changes_nothing(engine: Engine) -> None:
    with engine.begin() as conn:
        insert_rows(conn, [user(f"s{i}", "what is crs", "faq", 0.9, "faq/what_is_crs", 0.9, ts=T0 + i)
                           for i in range(30)])  # fmt: skip
    summary.sync(engine, batch_size=7)
    before = (_count(engine, messages), _count(engine, conversations))
    with engine.begin() as conn:
        conn.execute(summary.sync_state.update().values(last_event_id=0))
    assert summary.sync(engine) == 30
    assert (_count(engine, messages), _count(engine, conversations)) == before == (30, 30)


def test_an_id_committed_late_is_read_on_a_later_sync(engine: Engine) -> None:
    """PostgreSQL hands out ids before commit: a conversation's events can become
    visible after higher ids were already summarised."""
    now = time.time()
    with engine.begin() as conn:
        ids = insert_rows(conn, [user("early", "what is crs", "faq", 0.9, "faq/what_is_crs", 0.9, ts=now),
                                 user("late", "my child can't breathe", "report_urgent_symptom", ts=now),
                                 user("after", "thanks", "thank", 0.9, ts=now)])  # fmt: skip
        late = conn.execute(select(events).where(events.c.id == ids[1])).one()._mapping
        conn.execute(delete(events).where(events.c.id == ids[1]))  # not visible yet
    summary.sync(engine)
    assert _row(engine, "after").turns == 1
    with engine.begin() as conn:
        conn.execute(insert(events).values(**dict(late)))  # the late transaction commits
    summary.sync(engine)
    assert URGENT_FLAG in _row(engine, "late").flags
    with engine.connect() as conn:
        assert listing.unreviewed_urgent(conn) == 1


def test_concurrent_syncs_summarise_each_message_once(engine: Engine) -> None:
    with engine.begin() as conn:
        insert_rows(conn, [user(f"c{i}", "what is crs", "faq", 0.9, "faq/what_is_crs", 0.9, ts=T0 + i)
                           for i in range(200)])  # fmt: skip
    errors: list[BaseException] = []

    def run() -> None:
        try:
            summary.sync(engine, batch_size=25)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _count(engine, messages) == 200 and _count(engine, conversations) == 200


def test_a_parent_writing_after_the_review_puts_it_back_in_the_queue(engine: Engine) -> None:
    with engine.begin() as conn:
        insert_rows(conn, [user("q", "what is crs", "faq", 0.9, "faq/what_is_crs", 0.9, ts=T0)])
    summary.sync(engine)
    with engine.begin() as conn:
        reviews.set_reviewed(conn, "q", True, "rex")
    assert _row(engine, "q").reviewed
    with engine.begin() as conn:
        insert_rows(
            conn, [user("q", "she is hard to wake", "report_urgent_symptom", 0.99, ts=time.time() + 5)]
        )
    summary.sync(engine)
    row = _row(engine, "q")
    assert not row.reviewed and row.priority == listing.PRIORITY_URGENT


def test_forget_removes_the_summary_of_purged_conversations(engine: Engine) -> None:
    with engine.begin() as conn:
        insert_rows(conn, [user("x", "what is crs", "faq", 0.9, "faq/what_is_crs", 0.9, ts=T0),
                           user("y", "what is crs", "faq", 0.9, "faq/what_is_crs", 0.9, ts=T0)])  # fmt: skip
    summary.sync(engine)
    with engine.begin() as conn:
        summary.forget(conn, ["x"])
    assert _count(engine, conversations) == 1 and _count(engine, messages) == 1


def test_backlog_counts_unread_events(engine: Engine) -> None:
    with engine.begin() as conn:
        insert_rows(conn, [user(f"b{i}", "hi", "greet", 0.9, ts=T0) for i in range(10)])
        assert summary.backlog(conn) == 10
    summary.sync(engine, batch_size=4, max_batches=1)
    with engine.connect() as conn:
        assert summary.backlog(conn) == 6
