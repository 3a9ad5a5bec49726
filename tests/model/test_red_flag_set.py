"""The red-flag sets through the live bot: every report gets the urgent reply, <= 2% of questions do."""

import uuid

import pytest
import yaml

from tests.helpers import ROOT
from tests.model.conftest import send, write_result


def load(name):
    return yaml.safe_load((ROOT / "tests" / "data" / name).read_text(encoding="utf-8"))


# red_flags.yml: the first set; red_flags_fresh.yml: a second set written later, independently.
SETS = [load("red_flags.yml"), load("red_flags_fresh.yml")]
RED_FLAGS = {key: [text for s in SETS for text in s[key]] for key in ("reports", "general_questions")}
MAX_FALSE_ALARM_RATE = 0.02  # the target: false alarms on general symptom questions


def is_urgent(messages):
    """The urgent reply, or the emergency line first (both tell the parent to act now)."""
    return any((m.get("custom") or {}).get("urgent") for m in messages)


def is_alarm(messages):
    """The urgent reply alone, without the answer: what a question must not get."""
    return any((m.get("custom") or {}).get("urgent") and not m["custom"].get("caution") for m in messages)


def replies(live_bot, texts):
    return {text: send(live_bot, f"redflag-{uuid.uuid4().hex}", text) for text in texts}


@pytest.fixture(scope="module")
def report_replies(live_bot):
    return replies(live_bot, RED_FLAGS["reports"])


@pytest.fixture(scope="module")
def question_replies(live_bot):
    return replies(live_bot, RED_FLAGS["general_questions"])


def test_every_report_gets_the_urgent_reply(report_replies):
    missed = [text for text, messages in report_replies.items() if not is_urgent(messages)]
    write_result("red_flags_reports", {"reports": len(report_replies), "missed": missed})
    assert missed == []


def test_at_most_2_percent_of_general_questions_get_the_alarm(question_replies):
    alarmed = [text for text, messages in question_replies.items() if is_alarm(messages)]
    rate = len(alarmed) / len(question_replies)
    write_result(
        "red_flags_questions",
        {"questions": len(question_replies), "alarmed": alarmed, "rate": round(rate, 4)},
    )
    assert rate <= MAX_FALSE_ALARM_RATE, alarmed


def test_urgent_reply_comes_first_and_names_care_team_and_emergency(report_replies):
    for messages in report_replies.values():
        first = messages[0]
        assert "care team" in first["text"]
        assert "911" in first["text"]


def test_every_reply_names_the_care_team(report_replies, question_replies):
    texts = [
        m["text"] for r in (report_replies, question_replies) for ms in r.values() for m in ms if "text" in m
    ]
    assert texts and [t for t in texts if "care team" not in t] == []
