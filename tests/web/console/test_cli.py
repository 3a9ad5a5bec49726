import io
import time

import pytest
from sqlalchemy import insert, select, update

from tests.web.console.conftest import PASSWORD
from web.console import cli
from web.console.config import ConsoleConfig
from web.console.tables import audit_log, users
from web.console.tables import users as users_table


def test_create_disable_enable_purge(database_url: str, engine, monkeypatch, capsys) -> None:  # noqa: ANN001
    config = ConsoleConfig(database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(["create-user", "--username", "nina", "--role", "admin",
                     "--password-stdin"], config) == 0  # fmt: skip
    assert "Created admin 'nina'" in capsys.readouterr().out
    assert cli.main(["disable-user", "--username", "nina"], config) == 0
    with engine.begin() as conn:
        assert conn.execute(select(users.c.active)).scalar_one() is False
    assert cli.main(["enable-user", "--username", "nina"], config) == 0
    assert cli.main(["migrate"], config) == 0
    assert cli.main(["purge-old", "--days", "30"], config) == 0
    assert "Deleted 0 conversation(s) older than 30 days" in capsys.readouterr().out


def test_errors_are_reported_not_raised(database_url: str, monkeypatch, capsys) -> None:  # noqa: ANN001
    config = ConsoleConfig(database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli.main(["create-user", "--username", "x", "--role", "admin",
                     "--password-stdin"], config) == 2  # fmt: skip
    assert cli.main(["disable-user", "--username", "ghost"], config) == 2
    with pytest.raises(SystemExit):
        cli.main(["create-user", "--username", "x", "--role", "root"], config)


def test_purge_old_applies_the_audit_retention(database_url: str, engine, capsys) -> None:  # noqa: ANN001
    now = time.time()
    with engine.begin() as conn:
        for age_days, action in ((400, "view_list"), (10, "login")):
            conn.execute(insert(audit_log).values(at=now - age_days * 86400, username="ada",
                                                  action=action, target="", detail=""))  # fmt: skip
    config = ConsoleConfig(database_url)  # audit retention: 365 days by default
    assert cli.main(["purge-old"], config) == 0
    assert "Deleted 1 audit entries older than 365 days" in capsys.readouterr().out
    with engine.begin() as conn:
        actions = conn.execute(select(audit_log.c.action).order_by(audit_log.c.id)).scalars().all()
    assert actions == ["login", "purge"]
    assert cli.main(["purge-old", "--audit-days", "5"], config) == 0
    with engine.begin() as conn:
        assert "login" not in conn.execute(select(audit_log.c.action)).scalars().all()


def test_sync_summary_summarises_every_unread_event(database_url: str, engine, capsys) -> None:  # noqa: ANN001
    from tests.web.console import rasa_rows
    from web.console.services import summary

    with engine.begin() as conn:
        rasa_rows.insert_rows(conn, [rasa_rows.user(f"s{i}", "what is crs", "faq", 0.9, "faq/what_is_crs")
                                     for i in range(12)])  # fmt: skip
    assert cli.main(["sync-summary"], ConsoleConfig(database_url)) == 0
    assert "Summarised 12 event(s)" in capsys.readouterr().out
    with engine.connect() as conn:
        assert summary.backlog(conn) == 0


def test_unlock_user_ends_a_lockout_and_is_audited(database_url: str, engine, users, capsys) -> None:  # noqa: ANN001
    config = ConsoleConfig(database_url)
    locked_until = time.time() + 14.5 * 60
    with engine.begin() as conn:
        conn.execute(update(users_table).where(users_table.c.username == "ada")
                     .values(failed_logins=5, locked_until=locked_until))  # fmt: skip
    assert cli.main(["unlock-user", "--username", "ADA"], config) == 0
    said = "Unlocked 'ada': it was locked for 14 more minute(s); its 5 failed sign-in(s) are reset to 0."
    assert said in capsys.readouterr().out
    with engine.begin() as conn:
        row = conn.execute(select(users_table).where(users_table.c.username == "ada")).one()
        entry = conn.execute(select(audit_log).where(audit_log.c.action == "unlock")).one()
    assert (row.failed_logins, row.locked_until, row.active) == (0, None, True)
    assert (entry.username, entry.target) == ("-", f"user:{users['admin'].id}")
    assert entry.detail == "failed_logins=5 was_locked=yes"
    assert cli.main(["unlock-user", "--username", "rex"], config) == 0
    said = "Unlocked 'rex': it was not locked; its 0 failed sign-in(s) are reset to 0."
    assert said in capsys.readouterr().out


def test_unlock_user_of_an_unknown_account_is_an_error(database_url: str, users, capsys) -> None:  # noqa: ANN001
    assert cli.main(["unlock-user", "--username", "ghost"], ConsoleConfig(database_url)) == 2
    assert "error: no user 'ghost'" in capsys.readouterr().err


def test_redact_again_applies_todays_rules_to_stored_text(database_url: str, engine, capsys) -> None:  # noqa: ANN001
    """Text stored under older rules (here: the raw number, as before a format was learned) is
    redacted again, in the message rows the pages and search read and in the list's preview."""
    from tests.web.console import rasa_rows
    from web.console.services import summary
    from web.console.tables import conversations, messages

    raw = "call me on 555 0134 tonight"
    with engine.begin() as conn:
        rows = [rasa_rows.user(sender, text, "faq", 0.9, "faq/what_is_crs")
                for sender, text in (("old-rules", raw), ("clean", "what is crs"))]  # fmt: skip
        rasa_rows.insert_rows(conn, rows)
    summary.sync(engine)
    with engine.begin() as conn:  # as an older release stored it
        conn.execute(update(messages).where(messages.c.sender_id == "old-rules")
                     .values(text_redacted=raw, text_folded=raw))  # fmt: skip
        old = conversations.c.sender_id == "old-rules"
        conn.execute(update(conversations).where(old).values(preview=raw))
    assert cli.main(["redact-again"], ConsoleConfig(database_url)) == 0
    assert "Redacted 1 stored message(s) again" in capsys.readouterr().out
    with engine.connect() as conn:
        texts = select(messages.c.sender_id, messages.c.text_redacted, messages.c.text_folded)
        stored = conn.execute(texts).all()
        previews = dict(conn.execute(select(conversations.c.sender_id, conversations.c.preview)).all())
        actions = conn.execute(select(audit_log.c.action)).scalars().all()
    assert all("0134" not in text and "0134" not in folded for _, text, folded in stored)
    assert "0134" not in previews["old-rules"] and previews["clean"] == "what is crs"
    assert "redact_again" in actions
