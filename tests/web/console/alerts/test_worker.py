"""The alert worker against a receiver on loopback: a signed alert within seconds of an urgent
report, no unredacted text, retries after a 500; and the parents' chat never waits for it."""

from __future__ import annotations

import asyncio
import dataclasses
import time

import anyio
import httpx
from sqlalchemy import Engine, select

from assistant.settings import get_settings
from tests.web.alert_receiver import AlertReceiver, Received
from tests.web.conftest import IDS, gateway_settings
from tests.web.console import rasa_rows
from tests.web.console.alerts.test_outbox import BREATHING, urgent
from tests.web.webtest_support import ServerThread, StubRasa
from web.app import create_app
from web.console.alerts import payload
from web.console.alerts.worker import AlertWorker
from web.console.config import ConsoleConfig
from web.console.tables import alerts, audit_log

SECRET = "alert-secret-0123456789abcdef-0123456789"
PUBLIC = "https://staff.example.org/console"
PARENT_TEXT = "My son Jack Miller can't breathe, call me on 07700 900123\nwe are at 12 Elm Street, he is blue"
PRIVATE = ["Jack", "Miller", "07700", "900123", "Elm", "blue", "call me on 0"]


def _config(database_url: str, receiver: AlertReceiver, attempts: int = 12) -> ConsoleConfig:
    return ConsoleConfig(database_url=database_url, public_url=PUBLIC, webhook_url=receiver.url,
                         webhook_secret=SECRET, webhook_max_attempts=attempts)  # fmt: skip


def _report(engine: Engine, sender: str) -> float:
    """A parent's urgent report as Rasa stores it; returns when it was sent."""
    now = time.time()
    with engine.begin() as conn:
        rasa_rows.insert_rows(conn, [urgent(sender, PARENT_TEXT, now, BREATHING),
                                     rasa_rows.action(sender, "utter_urgent", ts=now)])  # fmt: skip
    return now


def _run_until(
    engine: Engine, config: ConsoleConfig, receiver: AlertReceiver, count: int
) -> tuple[float, list]:
    async def scenario() -> tuple[float, list[Received]]:
        task = asyncio.create_task(AlertWorker(engine, config).run())
        await asyncio.sleep(0.3)
        reported = await anyio.to_thread.run_sync(_report, engine, "conv-1")
        got = await anyio.to_thread.run_sync(receiver.wait_for, count, 15.0)
        await asyncio.sleep(0.3)  # let the worker record the last answer
        task.cancel()
        return reported, got

    return asyncio.run(scenario())


def test_signed_alert_within_seconds_no_private_text_and_a_retry_after_500(
    engine: Engine, database_url: str
) -> None:
    with AlertReceiver(statuses=[500]) as receiver:
        reported, got = _run_until(engine, _config(database_url, receiver), receiver, 2)
    assert len(got) == 2, got
    first, retry = got
    assert first.at - reported < 5.0
    assert 1.0 <= retry.at - first.at < 5.0  # waited the first back-off, 1 s
    for request in got:
        stamp, signed = request.headers[payload.TIMESTAMP_HEADER], request.headers[payload.SIGNATURE_HEADER]
        assert payload.verify(SECRET, stamp, signed, request.body)
        assert not payload.verify("x" * 32, stamp, signed, request.body)
        assert request.headers[payload.ALERT_ID_HEADER] == str(request.json["alert_id"])
        text = request.body.decode("utf-8")
        assert not [word for word in PRIVATE if word in text], text
    assert [r.json["attempt"] for r in got] == [1, 2]
    body = first.json
    assert body["first_line"] == "My son <NAME> can't breathe, call me on <PHONE>"
    assert (body["kind"], body["level"], body["categories"]) == ("report", "emergency", ["breathing"])
    assert body["conversation_url"] == PUBLIC + "/conversations/conv-1"
    with engine.connect() as conn:
        row = conn.execute(select(alerts)).one()
        audit_rows = [(r.action, r.target) for r in conn.execute(select(audit_log).order_by(audit_log.c.id))]
    assert (row.status, row.attempts, row.last_result) == ("delivered", 2, "HTTP 200")
    assert audit_rows == [("alert_retry", "conv-1"), ("alert_delivered", "conv-1")]


def test_a_receiver_that_never_answers_well_ends_failed(engine: Engine, database_url: str) -> None:
    with AlertReceiver(statuses=[503, 503]) as receiver:
        _run_until(engine, _config(database_url, receiver, attempts=2), receiver, 2)
    with engine.connect() as conn:
        row = conn.execute(select(alerts)).one()
    assert (row.status, row.attempts, row.last_result) == ("failed", 2, "HTTP 503")


def test_the_console_page_shows_the_delivery(admin_client, engine: Engine, database_url: str) -> None:
    with AlertReceiver() as receiver:
        _run_until(engine, _config(database_url, receiver), receiver, 1)
    page = admin_client.get("/conversations/conv-1")
    assert page.status_code == 200
    assert "Staff alerts" in page.text and "Delivered" in page.text and "trouble breathing" in page.text


def test_the_parents_reply_does_not_wait_for_a_stuck_receiver(
    stub_rasa: StubRasa, engine: Engine, database_url: str
) -> None:
    """While the receiver holds the alert's request open, a parent still gets answers."""
    with AlertReceiver() as receiver:
        receiver.hold.clear()
        settings = gateway_settings(
            rasa_url=stub_rasa.url,  # type: ignore[attr-defined]
            console_enabled=True,
            console_database_url=database_url,
            urgent_webhook_url=receiver.url,
            urgent_webhook_secret=SECRET,
        )
        shared = dataclasses.replace(get_settings(), database_url=database_url)
        server = ServerThread(create_app(settings, shared)).start()
        try:
            _report(engine, "conv-1")
            assert len(receiver.wait_for(1, 10.0)) == 1  # the alert's POST is now waiting
            token = IDS.issue()
            answer = httpx.post(server.url + "/api/chat", json={"sender": token, "message": "What is CRS?"},
                                timeout=10)  # fmt: skip
            assert answer.status_code == 200 and answer.json()["messages"]
            assert not receiver.hold.is_set()  # answered while the alert was still held
        finally:
            receiver.hold.set()
            server.stop()
