"""Which urgent messages get an alert, leases, retries and the audit rows (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import time

from sqlalchemy import Engine, select

from tests.web.console import rasa_rows
from web.console.alerts import outbox, payload
from web.console.alerts.outbox import Attempt
from web.console.services import summary
from web.console.tables import alerts, audit_log

BREATHING = [{"category": "breathing", "text": "cant breathe", "reason": "named", "emergency": True}]


def urgent(sender: str, text: str, ts: float, red_flags: list | None = None, triage: str = "urgent") -> dict:
    row = rasa_rows.user(sender, text, "report_urgent_symptom", 0.99, ts=ts)
    data = json.loads(row["data"])
    data["parse_data"]["red_flags"] = red_flags or []
    data["parse_data"]["triage"] = {"probability": 0.9, "decision": triage}
    row["data"] = json.dumps(data)
    return row


def add(engine: Engine, rows: list[dict]) -> None:
    with engine.begin() as conn:
        rasa_rows.insert_rows(conn, rows)
    summary.sync(engine)


def test_an_urgent_report_gets_one_alert_with_its_categories(engine: Engine) -> None:
    now = time.time()
    add(engine, [
        urgent("c1", "my son Jack cant breathe", now - 5, BREATHING),
        rasa_rows.action("c1", "utter_urgent", ts=now - 4),
        rasa_rows.user("c2", "what is crs", "faq", 0.9, "faq/what_is_crs", ts=now - 3),
    ])  # fmt: skip
    with engine.begin() as conn:
        assert outbox.enqueue_new(conn, now) == 1
        assert outbox.enqueue_new(conn, now) == 0
        (row,) = conn.execute(select(alerts)).all()
    assert (row.sender_id, row.kind, row.level, row.categories) == ("c1", "report", "emergency", "breathing")
    assert row.status == "pending" and row.attempts == 0


def test_another_language_is_alerted_and_old_messages_are_not(engine: Engine) -> None:
    now = time.time()
    add(engine, [
        rasa_rows.user("c1", "mi hijo no puede respirar", "other_language", 0.9, ts=now - 20),
        urgent("c4", "seizure yesterday", now - outbox.WINDOW_SECONDS - 60),
    ])  # fmt: skip
    with engine.begin() as conn:
        outbox.enqueue_new(conn, now)
        kinds = {r.sender_id: (r.kind, r.level) for r in conn.execute(select(alerts))}
    # Older than the window: turning alerts on pages nobody about last month.
    assert kinds == {"c1": ("other_language", "urgent")}


def test_claim_lease_retry_and_delivery(engine: Engine) -> None:
    now = time.time()
    add(engine, [urgent("c1", "my son Jack cant breathe\nwe live at 12 Elm Street", now - 5, BREATHING)])
    with engine.begin() as conn:
        outbox.enqueue_new(conn, now)
        (alert,) = outbox.claim_due(conn, now)
        assert outbox.claim_due(conn, now) == []  # leased: a second console process skips it
    assert alert.attempt == 1 and "Jack" not in alert.redacted_text
    with engine.begin() as conn:
        assert outbox.record(conn, alert, Attempt(False, "HTTP 500"), max_attempts=3, now=now) == "pending"
        assert outbox.claim_due(conn, now + 0.5) == []  # waits 1 s
        (again,) = outbox.claim_due(conn, now + 1.0)
        assert again.attempt == 2
        assert (
            outbox.record(conn, again, Attempt(True, "HTTP 204"), max_attempts=3, now=now + 1) == "delivered"
        )
        (status,) = outbox.for_conversation(conn, "c1")
        actions = [
            (r.username, r.action, r.target) for r in conn.execute(select(audit_log).order_by(audit_log.c.id))
        ]
    assert (status.status, status.attempts, status.last_result) == ("delivered", 2, "HTTP 204")
    assert actions == [("-", "alert_retry", "c1"), ("-", "alert_delivered", "c1")]


def test_an_alert_fails_after_the_last_attempt(engine: Engine) -> None:
    now = time.time()
    add(engine, [urgent("c1", "seizure now", now - 5)])
    with engine.begin() as conn:
        outbox.enqueue_new(conn, now)
        (alert,) = outbox.claim_due(conn, now)
        assert outbox.record(conn, alert, Attempt(False, "timed out"), max_attempts=1, now=now) == "failed"
        assert outbox.claim_due(conn, now + 3600) == []
        (status,) = outbox.for_conversation(conn, "c1")
    assert (status.status, status.last_result) == ("failed", "timed out")


def test_backoff_doubles_up_to_five_minutes() -> None:
    assert [outbox.backoff(n) for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert outbox.backoff(30) == outbox.MAX_BACKOFF_SECONDS
    assert sum(outbox.backoff(n) for n in range(1, 12)) < 20 * 60  # the default 12 tries: ~19 minutes


def test_describe_marks_the_unsure_decision() -> None:
    parse_data = {"intent": {"name": "faq"}, "triage": {"decision": "caution"}}
    assert outbox.describe(parse_data) == (payload.UNSURE, "urgent", ())
