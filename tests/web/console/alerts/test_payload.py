"""The alert's body and signature: what a receiver gets and how it checks it."""

from __future__ import annotations

import json

from web.console.alerts import payload
from web.console.alerts.payload import Alert

SECRET = "s" * 32
ALERT = Alert(
    id=7, sender_id="conv/7 a", reported_at=1_765_170_000.0, kind=payload.REPORT, level="emergency",
    categories=("breathing", "fever"), attempt=2,
    redacted_text="my son [NAME] can't breathe\nhe lives at [ADDRESS]",
)  # fmt: skip


def test_the_body_has_the_link_the_categories_and_only_the_first_line() -> None:
    body = payload.build(ALERT, "https://staff.example.org/console/")
    assert body["conversation_url"] == "https://staff.example.org/console/conversations/conv%2F7%20a"
    assert body["categories"] == ["breathing", "fever"]
    assert body["level"] == "emergency" and body["kind"] == "report" and body["attempt"] == 2
    assert body["first_line"] == "my son [NAME] can't breathe"
    assert "ADDRESS" not in json.dumps(body)
    assert body["reported_at"] == "2025-12-08T05:00:00Z"
    assert body["text"].startswith("Urgent report (emergency signs): trouble breathing, fever.")
    assert body["text"].endswith(body["conversation_url"])


def test_a_long_first_line_is_cut() -> None:
    line = payload.first_line("\n\n  " + "word " * 100)
    assert len(line) == payload.FIRST_LINE_CHARS and line.endswith("…")
    assert payload.first_line("") == ""


def test_a_signed_body_verifies_and_a_changed_one_does_not() -> None:
    body = payload.encode(payload.build(ALERT, "https://x"))
    headers = payload.headers(SECRET, ALERT.id, body, now=1000.0)
    stamp, signed = headers[payload.TIMESTAMP_HEADER], headers[payload.SIGNATURE_HEADER]
    assert headers[payload.ALERT_ID_HEADER] == "7"
    assert payload.verify(SECRET, stamp, signed, body, now=1010.0)
    assert not payload.verify(SECRET, stamp, signed, body + b" ", now=1010.0)
    assert not payload.verify("t" * 32, stamp, signed, body, now=1010.0)
    assert not payload.verify(SECRET, "999", signed, body, now=1010.0)  # another time stamp
    assert not payload.verify(SECRET, stamp, signed, body, now=1000.0 + payload.TOLERANCE_SECONDS + 1)
    assert not payload.verify(SECRET, "１０００", signed, body, now=1000.0)  # not ASCII digits


def test_categories_are_known_names_only() -> None:
    parse_data = {"red_flags": [{"category": "seizure", "text": "shaking"}, {"category": "Emma lives"},
                                {"category": "seizure"}, "junk"]}  # fmt: skip
    assert payload.categories_of(parse_data, "red_flags", ["seizure", "fever"]) == ("seizure",)
