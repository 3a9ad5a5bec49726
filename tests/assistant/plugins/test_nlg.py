"""The response generator inside the Rasa process: contact details and the urgent wording
without the action server."""

import asyncio
from typing import Any, Dict, List, Optional

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant import settings as settings_module
from assistant.names import RED_FLAGS_KEY, URGENT_RESPONSE
from assistant.plugins.nlg import SettingsResponseGenerator, reply_slots, urgency_level
from assistant.settings import Settings
from tests.helpers import ROOT

SEIZURE = {"category": "seizure", "text": "seizure", "reason": "now", "emergency": True}
FEVER = {"category": "fever", "text": "39.6", "reason": "now", "emergency": False}


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture(autouse=True)
def deployment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CRS_CARE_TEAM_PHONE", "+1 555 0100")
    monkeypatch.setenv("CRS_EMERGENCY_NUMBER", "112")
    monkeypatch.delenv("CRS_CARE_TEAM_CONTACT", raising=False)
    settings_module.get_settings.cache_clear()
    yield
    settings_module.get_settings.cache_clear()


def reply(domain: Domain, action: str, text: str, flags: Optional[List[Dict[str, Any]]] = None) -> Dict:
    parse_data: Dict[str, Any] = {"intent": {"name": "report_urgent_symptom", "confidence": 1.0}}
    if flags is not None:
        parse_data[RED_FLAGS_KEY] = flags
    tracker = DialogueStateTracker.from_events(
        "parent", [UserUttered(text, parse_data["intent"], parse_data=parse_data)], domain.slots
    )
    generator = SettingsResponseGenerator(domain=domain)
    result = asyncio.run(generator.generate(action, tracker, "rest"))
    assert result is not None
    return result


def test_a_seizure_gets_the_emergency_wording_with_the_deployment_number(domain):
    result = reply(domain, URGENT_RESPONSE, "he is having a seizure right now", [SEIZURE])
    assert result["text"].startswith("Call 112 now.")
    assert "call them at +1 555 0100" in result["text"]
    assert result["custom"] == {"urgent": True, "level": "emergency"}


def test_a_fever_now_gets_the_urgent_wording(domain):
    result = reply(domain, URGENT_RESPONSE, "temp 39.6 now", [FEVER])
    assert result["text"].startswith("Please contact your child's care team right away")
    assert "call 112 now" in result["text"]
    assert result["custom"] == {"urgent": True, "level": "urgent"}


def test_a_report_found_by_the_classifier_alone_gets_the_urgent_wording(domain):
    result = reply(domain, URGENT_RESPONSE, "something is really wrong with him", None)
    assert result["custom"]["level"] == "urgent"


def test_every_answer_names_the_deployment_contact_not_the_slot_default(domain):
    result = reply(domain, "utter_faq/what_is_crs", "what is crs")
    assert result["text"].endswith("To reach them, call them at +1 555 0100.")
    assert [b["title"] for b in result["buttons"]][0] == "What are the signs of CRS?"


def test_reply_slots_overlay_the_settings_and_the_urgency():
    settings = Settings.from_env({"CRS_CARE_TEAM_CONTACT": "ring ward 4", "CRS_EMERGENCY_NUMBER": "999"})
    tracker_slots = {"care_team_contact": "old", "feedback_value": "up"}
    slots = reply_slots(tracker_slots, {RED_FLAGS_KEY: [SEIZURE]}, settings)
    assert slots == {
        "care_team_contact": "ring ward 4",
        "emergency_number": "999",
        "urgency_level": "emergency",
        "feedback_value": "up",
    }


@pytest.mark.parametrize(
    "parse_data, level",
    [
        ({}, "urgent"),
        ({RED_FLAGS_KEY: None}, "urgent"),
        ({RED_FLAGS_KEY: [FEVER]}, "urgent"),
        ({RED_FLAGS_KEY: [FEVER, SEIZURE]}, "emergency"),
        ({RED_FLAGS_KEY: ["garbage", 3]}, "urgent"),
    ],
)
def test_urgency_level(parse_data, level):
    assert urgency_level(parse_data) == level
