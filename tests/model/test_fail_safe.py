"""With the action server down, a report still gets the urgent reply with the deployment's
emergency number, and a question still gets its answer: no reply needs a custom action."""

import uuid

import pytest

from launcher.stack import StackOptions, start_stack
from tests.model.conftest import send

DEPLOYMENT = {"CRS_EMERGENCY_NUMBER": "112", "CRS_CARE_TEAM_PHONE": "555-0100", "CRS_CARE_TEAM_CONTACT": ""}


@pytest.fixture(scope="module")
def bot_without_actions(tmp_path_factory):
    db = tmp_path_factory.mktemp("tracker") / "rasa.db"
    log_dir = tmp_path_factory.mktemp("logs")
    url = f"sqlite:///{db}"
    with start_stack(
        StackOptions(database_url=url, gateway=False, log_dir=log_dir, extra_env=DEPLOYMENT)
    ) as stack:
        stack.services["actions"].stop()
        yield stack


def ask(stack, message):
    replies = send(stack, f"failsafe-{uuid.uuid4().hex}", message)
    texts = [r["text"] for r in replies if "text" in r]
    markers = [r["custom"] for r in replies if "custom" in r]
    return texts, markers


def test_a_seizure_now_gets_the_emergency_reply_first(bot_without_actions):
    texts, markers = ask(bot_without_actions, "he is having a seizure right now")
    assert texts and texts[0].startswith("Call 112 now.")
    assert "call them at 555-0100" in texts[0]
    assert markers == [{"urgent": True, "level": "emergency"}]


def test_a_high_temperature_now_gets_the_urgent_reply(bot_without_actions):
    texts, markers = ask(bot_without_actions, "temp 39.6 now")
    assert texts and texts[0].startswith("Please contact your child's care team right away")
    assert "call 112 now" in texts[0]
    assert markers == [{"urgent": True, "level": "urgent"}]


def test_a_question_gets_its_answer_with_the_contact_details(bot_without_actions):
    texts, markers = ask(bot_without_actions, "what is crs")
    assert texts and texts[0].startswith("CRS stands for cytokine release syndrome.")
    assert texts[0].endswith("To reach them, call them at 555-0100.")
    assert markers == []
