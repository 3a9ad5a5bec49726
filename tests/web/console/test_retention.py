import time

from sqlalchemy import func, insert, select

from tests.web.console import rasa_rows
from web.console import retention, reviews, summary
from web.console.tables import audit_log, conversations, events, messages, notes


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
        assert retention.purge_old(conn, 30, now=now) == ["old"]
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
