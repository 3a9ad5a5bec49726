"""Every name the processes share (assistant/names.py) is the one the domain and the
training data use: a rename in one place breaks this test, not production."""

import re

import pytest

from assistant import names
from assistant.topics import TOPIC_TITLES
from tests.helpers import ROOT, domain, nlu_examples


def domain_intents():
    return set(domain()["intents"])


@pytest.mark.parametrize(
    "intent",
    [names.FAQ_INTENT, names.URGENT_INTENT, names.MEDICINE_INTENT, names.OUT_OF_SCOPE_INTENT,
     names.FEEDBACK_INTENT, *names.SMALL_TALK_INTENTS],
)  # fmt: skip
def test_every_shared_intent_is_a_domain_intent_with_training_examples(intent):
    assert intent in domain_intents()
    trained = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        trained |= {name.split("/", 1)[0] for name in nlu_examples(path)}
    assert intent in trained


def test_the_shared_slots_entity_and_levels_are_the_domains():
    slots = domain()["slots"]
    shared = {names.CARE_TEAM_SLOT, names.EMERGENCY_SLOT, names.URGENCY_SLOT, names.FEEDBACK_ENTITY}
    assert shared <= set(slots)
    assert set(slots[names.URGENCY_SLOT]["values"]) == {names.EMERGENCY_LEVEL, names.URGENT_LEVEL}
    assert set(slots[names.FEEDBACK_ENTITY]["values"]) == set(names.FEEDBACK_VALUES)
    assert names.FEEDBACK_ENTITY in domain()["entities"]


def test_the_urgent_response_carries_the_shared_marker():
    variations = domain()["responses"][names.URGENT_RESPONSE]
    markers = [v["custom"] for v in variations]
    assert all(marker[names.URGENT_MARKER] is True for marker in markers)
    levels = {marker[names.URGENT_LEVEL_KEY] for marker in markers}
    assert levels == {names.EMERGENCY_LEVEL, names.URGENT_LEVEL}
    rules = (ROOT / "data" / "rules" / "urgent.yml").read_text(encoding="utf-8")
    assert re.search(rf"intent: {names.URGENT_INTENT}\s+- action: {names.URGENT_RESPONSE}\b", rules)


def test_the_titled_topics_are_the_domains_faq_answers():
    answers = {name.split("/", 1)[1] for name in domain()["responses"] if name.startswith("utter_faq/")}
    assert set(TOPIC_TITLES) == answers


@pytest.mark.parametrize("value", names.FEEDBACK_VALUES)
def test_the_feedback_command_round_trips_and_is_what_rasa_reads(value):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
    from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
    from rasa.shared.nlu.training_data.message import Message

    command = names.feedback_command(value)
    assert names.feedback_command_value(command) == value
    parsed = YAMLStoryReader.unpack_regex_message(
        Message(data={TEXT: command}), Domain.load(str(ROOT / "domain"))
    )
    assert parsed.get(INTENT)["name"] == names.FEEDBACK_INTENT
    assert [(e["entity"], e["value"]) for e in parsed.get(ENTITIES)] == [(names.FEEDBACK_ENTITY, value)]


def test_bad_feedback_is_refused_and_other_text_is_not_a_command():
    with pytest.raises(ValueError):
        names.feedback_command("sideways")
    assert names.feedback_command_value("/feedback{not json") is None
    assert names.feedback_command_value("feedback up") is None
