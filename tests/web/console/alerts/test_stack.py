"""The whole way, on the real stack (action server + Rasa with the trained model + gateway with
the console): a parent's urgent report reaches a receiver on loopback as a signed alert within
5 s, with no unredacted text, and is retried when the receiver first answers 500."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from tests.web.alert_receiver import AlertReceiver
from web.console import migrate
from web.console.alerts import payload

pytestmark = pytest.mark.realstack

SECRET = "stack-alert-secret-0123456789abcdef012345"
REPORT = "My daughter Emma Stone is having a seizure right now\nher lips look blue, we live at 4 Oak Road"
PRIVATE = ["Emma", "Stone", "lips", "Oak"]  # names, and the lines after the first


def test_an_urgent_report_reaches_staff_within_5_seconds() -> None:
    from launcher.stack import MODEL, StackOptions, start_stack

    if not Path(MODEL).exists():
        if os.environ.get("CRS_REQUIRE_REAL_STACK") == "1":
            pytest.fail(f"no trained model at {MODEL}")
        pytest.skip(f"no trained model at {MODEL}")
    with tempfile.TemporaryDirectory(prefix="crs-alerts-stack-") as tmp, AlertReceiver([500]) as receiver:
        database_url = f"sqlite:///{tmp}/rasa.db"
        migrate.upgrade(database_url)
        env = {"CRS_URGENT_WEBHOOK_URL": receiver.url, "CRS_URGENT_WEBHOOK_SECRET": SECRET,
               "CRS_CONSOLE_PUBLIC_URL": "https://staff.example.org/console"}  # fmt: skip
        (Path(tmp) / "logs").mkdir()
        options = StackOptions(database_url=database_url, extra_env=env, log_dir=Path(tmp) / "logs")
        with start_stack(options) as stack:
            gateway = str(stack.gateway_url)
            token = httpx.post(gateway + "/api/conversations", json={}, timeout=10).json()["conversation"]
            sent = time.time()
            reply = httpx.post(gateway + "/api/chat", json={"sender": token, "message": REPORT}, timeout=30)
            assert reply.status_code == 200
            assert any(m.get("urgent") for m in reply.json()["messages"]), reply.json()
            got = receiver.wait_for(2, 30.0)
    assert len(got) == 2, "no retry after the first 500"
    assert got[0].at - sent < 5.0, f"the alert took {got[0].at - sent:.1f} s"
    for request in got:
        headers = {k.lower(): v for k, v in request.headers.items()}
        stamp, signed = headers[payload.TIMESTAMP_HEADER.lower()], headers[payload.SIGNATURE_HEADER.lower()]
        assert payload.verify(SECRET, stamp, signed, request.body)
        text = request.body.decode("utf-8")
        assert not [word for word in PRIVATE if word in text], text
    body = got[0].json
    assert body["level"] == "emergency" and "seizure" in body["categories"]
    assert body["conversation_url"].startswith("https://staff.example.org/console/conversations/")
    assert "<NAME>" in body["first_line"]
    assert [r.json["attempt"] for r in got] == [1, 2]
