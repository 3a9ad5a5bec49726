"""The response generator inside the Rasa process: contact details and the urgent wording
without the action server."""

import asyncio
from typing import Any, Dict, List, Optional

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
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
    return Domain.load(str(ROOT / "domain"))


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


def generate(domain: Domain, action: str, events: List[Any]) -> Optional[Dict]:
    tracker = DialogueStateTracker.from_events("parent", events, domain.slots)
    return asyncio.run(SettingsResponseGenerator(domain=domain).generate(action, tracker, "rest"))


def user(text: str, intent: str, **extra: Any) -> UserUttered:
    parse_data: Dict[str, Any] = {"intent": {"name": intent, "confidence": 0.9}, **extra}
    return UserUttered(text, parse_data["intent"], parse_data=parse_data)


def test_an_unsure_triage_puts_the_emergency_line_before_the_answer(domain):
    message = user(
        "she seems really out of it, what is crs", "faq", triage={"probability": 0.4, "decision": "caution"}
    )
    result = generate(domain, "utter_express_feelings", [message])
    assert result is not None
    assert result["text"].startswith(
        "If your child is unwell right now, contact your child's care team right away."
    )
    assert result["text"].count("call 112 now") == 1  # the body's own copy is dropped
    assert "It makes sense to feel this way." in result["text"]
    assert result["custom"] == {"urgent": True, "level": "urgent", "caution": True}


def test_only_the_first_reply_of_the_turn_gets_the_emergency_line(domain):
    message = user("hmm", "faq", triage={"probability": 0.4, "decision": "caution"})
    first = generate(domain, "utter_greet", [message])
    second = generate(domain, "utter_greet", [message, BotUttered(first["text"] if first else "")])
    assert first is not None and first["text"].startswith("If your child is unwell right now")
    assert second is not None and second["text"].startswith("Hi.")


def test_a_calm_triage_leaves_the_answer_alone(domain):
    message = user("what is crs", "faq", triage={"probability": 0.01, "decision": "calm"})
    result = generate(domain, "utter_greet", [message])
    assert result is not None and result["text"].startswith("Hi.") and "custom" not in result


def test_another_language_gets_its_safety_message_with_the_deployment_numbers(domain):
    message = user("mi hijo tiene fiebre", "other_language", language={"code": "es", "confidence": 0.99})
    result = generate(domain, "utter_other_language_safety", [message])
    assert result is not None
    assert result["text"].startswith("Este asistente solo responde en inglés.")
    assert "llame ahora al 112" in result["text"]
    assert result["text"].endswith("Teléfono del equipo médico: +1 555 0100.")


def test_a_language_without_a_message_gets_only_the_english_reply(domain):
    message = user("mein Sohn hat Fieber", "other_language", language={"code": "de", "confidence": 0.99})
    assert generate(domain, "utter_other_language_safety", [message]) is None
    english = generate(domain, "utter_other_language", [message])
    assert english is not None and "call 112 now" in english["text"] and "interpreter" in english["text"]


def generated(domain: Domain, action: str, events: List[Any]) -> Dict:
    tracker = DialogueStateTracker.from_events("parent", events, domain.slots)
    result = asyncio.run(SettingsResponseGenerator(domain=domain).generate(action, tracker, "rest"))
    assert result is not None
    return result


def test_the_first_of_two_answers_leaves_the_care_team_line_to_the_second(domain):
    parse_data = {
        "text": "what is crs and how long does it last",
        "intent": {"name": "faq"},
        "faq_questions": ["faq/what_is_crs", "faq/recovery_time"],
    }
    asked = UserUttered(parse_data["text"], parse_data["intent"], parse_data=parse_data)
    first = generated(domain, "utter_faq/what_is_crs", [asked])
    assert "To reach them" not in first["text"] and first["buttons"] == []
    said = BotUttered(first["text"], metadata={"utter_action": "utter_faq/what_is_crs"})
    second = generated(domain, "utter_faq/recovery_time", [asked, said])
    assert second["text"].endswith("To reach them, call them at +1 555 0100.")
    assert second["buttons"]


def test_not_in_source_says_so_and_offers_the_conversations_topic(domain):
    events = [
        UserUttered("what is blinatumomab", {"name": "faq"}),
        BotUttered("...", metadata={"utter_action": "utter_faq/blinatumomab"}),
        UserUttered("how is it given?", {"name": "not_in_source"}, parse_data={"text": "how is it given?"}),
    ]
    result = generated(domain, "utter_not_in_source", events)
    assert result["text"].startswith("My source article does not cover that")
    assert "care team" in result["text"]
    assert result["buttons"] == [
        {"title": "Related: What is blinatumomab?", "payload": "What is blinatumomab?"}
    ]
