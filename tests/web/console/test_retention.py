import threading
import time

import pytest
from sqlalchemy import Engine, func, insert, select, text

from tests.web.console import rasa_rows
from web.console.services import corrections, retention, reviews, summary
from web.console.services.messages import URGENT_ACTIONS
from web.console.tables import audit_log, conversations, events, messages, notes, sync_state

DAY = 86400


def test_purge_old_removes_old_conversations_and_their_console_data(engine) -> None:
    now = time.time()
    with engine.begin() as conn:
        rasa_rows.insert_rows(conn, [
            rasa_rows.user("old", "hi", "greet", ts=now - 40 * 86400),
            rasa_rows.bot("old", "hello, care team", ts=now - 40 * 86400),
            rasa_rows.user("new", "hi", "greet", ts=now - 86400),
        ])  # fmt: skip
        reviews.add_note(conn, "old", "note", "ada")
        reviews.add_tag(conn, "old", "x", "ada")
    summary.sync(engine)
    with engine.begin() as conn:
        purged = retention.purge_old(conn, 30, now=now)
        assert (purged.events, purged.removed, purged.kept) == (2, ["old"], [])
        assert conn.execute(select(conversations.c.sender_id)).scalars().all() == ["new"]
        assert conn.execute(select(messages.c.sender_id).distinct()).scalars().all() == ["new"]
        senders = conn.execute(select(events.c.sender_id).distinct()).scalars().all()
        assert senders == ["new"]
        assert conn.execute(select(func.count()).select_from(notes)).scalar_one() == 0


def test_purge_audit_keeps_only_the_audit_retention(engine) -> None:  # noqa: ANN001
    now = time.time()
    with engine.begin() as conn:
        for age_days in (400, 366, 364, 1):
            conn.execute(insert(audit_log).values(at=now - age_days * 86400, username="ada",
                                                  action="view_list", target="", detail=""))  # fmt: skip
        assert retention.purge_audit(conn, 365, now=now) == 2
        ages = sorted(round((now - at) / 86400) for at in conn.execute(select(audit_log.c.at)).scalars())
    assert ages == [1, 364]


def _active_sender(engine: Engine, now: float) -> list[int]:
    """Sender "long": an urgent 400-day-old message (corrected by staff) and a 1-day-old one;
    "quiet": only a 200-day-old message. Summarised."""
    with engine.begin() as conn:
        ids = rasa_rows.insert_rows(conn, [
            rasa_rows.action("long", "action_session_start", ts=now - 400 * DAY),
            rasa_rows.user("long", "my son Liam Okafor, MRN 4471902, is shaking", "report_urgent_symptom",
                           0.99, ts=now - 400 * DAY + 1),
            rasa_rows.action("long", sorted(URGENT_ACTIONS)[0], ts=now - 400 * DAY + 2),
            rasa_rows.bot("long", "Call 911 now", ts=now - 400 * DAY + 2),
            rasa_rows.action("long", "action_session_start", ts=now - DAY),
            rasa_rows.user("long", "what is crs", "faq", 0.9, "faq/what_is_crs", 0.9, ts=now - DAY + 1),
            rasa_rows.bot("long", "CRS is...", ts=now - DAY + 2),
            rasa_rows.user("quiet", "hello", "greet", ts=now - 200 * DAY),
        ])  # fmt: skip
        corrections.correct(conn, ids[1], "faq", ["faq"], "ada")
        reviews.add_note(conn, "long", "follow up", "ada")
    summary.sync(engine)
    return ids


def _assert_only_recent_left(engine: Engine, now: float) -> None:
    with engine.connect() as conn:
        oldest = conn.execute(select(func.min(events.c.timestamp))).scalar_one()
        assert now - oldest <= 180 * DAY
        assert conn.execute(select(events.c.sender_id).distinct()).scalars().all() == ["long"]
        assert conn.execute(select(events.c.type_name).order_by(events.c.id)).scalars().all() == [
            "action", "user", "bot"]  # fmt: skip
        kept = conn.execute(select(messages.c.text_redacted, messages.c.timestamp)).all()
        assert [m.text_redacted for m in kept] == ["what is crs"] and now - kept[0].timestamp < 2 * DAY
        row = conn.execute(select(conversations)).one()
        assert row.sender_id == "long" and row.turns == 1 and not row.urgent
        assert row.preview == "what is crs" and row.topics == "what_is_crs"
        assert now - row.started < 2 * DAY and row.last == now - DAY + 2
        assert conn.execute(select(func.count()).select_from(corrections.corrections)).scalar_one() == 0
        assert conn.execute(select(notes.c.body)).scalars().all() == ["follow up"]  # conversation kept


def test_purge_old_deletes_old_events_of_a_conversation_still_in_use(engine: Engine) -> None:
    now = time.time()
    _active_sender(engine, now)
    with engine.begin() as conn:
        purged = retention.purge_old(conn, 180, now=now)
    assert (purged.events, purged.removed, purged.kept) == (5, ["quiet"], ["long"])
    _assert_only_recent_left(engine, now)
    assert summary.sync(engine) == 0  # nothing to read again, nothing resurrected
    _assert_only_recent_left(engine, now)


def test_purge_commits_batch_by_batch_with_the_same_result(engine: Engine) -> None:
    now = time.time()
    _active_sender(engine, now)
    purged = retention.purge(engine, 180, now=now, batch_size=2)
    assert (purged.events, purged.removed, purged.kept) == (5, ["quiet"], ["long"])
    _assert_only_recent_left(engine, now)


def test_purge_deletes_old_events_not_summarised_yet(engine: Engine) -> None:
    now = time.time()
    with engine.begin() as conn:
        rasa_rows.insert_rows(conn, [rasa_rows.user("late", "my MRN is 4471902", "greet", ts=now - 300 * DAY),
                                     rasa_rows.user("late", "hi again", "greet", ts=now - 60)])  # fmt: skip
    assert retention.purge(engine, 180, now=now).kept == ["late"]
    summary.sync(engine)
    with engine.connect() as conn:
        assert conn.execute(select(messages.c.text_redacted)).scalars().all() == ["hi again"]
        assert conn.execute(select(conversations.c.turns)).scalar_one() == 1


def test_a_purge_batch_holds_off_summary_syncs_not_rasa(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises every writer: the batch holds the database's write lock")
    now = time.time()
    _active_sender(engine, now)
    with engine.begin() as conn:
        rasa_rows.insert_rows(conn, [rasa_rows.user("new", "hi", "greet", ts=now)])
    synced: list[int] = []
    with engine.begin() as purging:
        assert retention.purge_batch(purging, now - 180 * DAY) is not None
        with engine.begin() as rasa:  # Rasa appends while the batch is open
            rasa.execute(text("SET LOCAL lock_timeout = '2s'"))
            rasa_rows.insert_rows(rasa, [rasa_rows.user("long", "still there?", "greet", ts=now)])
        waiting = threading.Thread(target=lambda: synced.append(summary.sync(engine)))
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive()  # the sync waits for the batch's commit
    waiting.join(10)
    assert synced == [2]
    with engine.connect() as conn:
        assert conn.execute(select(sync_state.c.last_event_id)).scalar_one() > 0
        turns = dict(conn.execute(select(conversations.c.sender_id, conversations.c.turns)).all())
    assert turns == {"long": 2, "new": 1}
