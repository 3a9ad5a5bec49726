"""The NLU component: a message not in English gets `other_language`, English keeps its intent."""

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.names import LANGUAGE_KEY, OTHER_LANGUAGE_INTENT
from assistant.nlu.language_classifier import LanguageClassifier


def component(enabled=True):
    return LanguageClassifier(LanguageClassifier.get_default_config(), enabled)


def message(text, intent="faq"):
    msg = Message(data={TEXT: text})
    msg.set(INTENT, {"name": intent, "confidence": 0.8})
    msg.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 0.8}, {"name": "greet", "confidence": 0.1}])
    return msg


@pytest.mark.slow
def test_a_spanish_report_gets_the_other_language_intent():
    [msg] = component().process([message("mi hijo tiene fiebre y no despierta", "nlu_fallback")])
    assert msg.get(INTENT) == {"name": OTHER_LANGUAGE_INTENT, "confidence": 1.0}
    assert msg.get(LANGUAGE_KEY)["code"] == "es"


def test_english_keeps_its_intent_and_records_its_language():
    [msg] = component().process([message("what is crs")])
    assert msg.get(INTENT)["name"] == "faq"
    assert msg.get(LANGUAGE_KEY)["code"] == "en"


def test_english_taken_for_another_language_by_the_classifier_gets_its_next_intent():
    [msg] = component().process([message("hi there", OTHER_LANGUAGE_INTENT)])
    assert msg.get(INTENT)["name"] == "greet"


def test_switched_off_nothing_changes():
    [msg] = component(enabled=False).process([message("mi hijo tiene fiebre", "nlu_fallback")])
    assert msg.get(INTENT)["name"] == "nlu_fallback" and msg.get(LANGUAGE_KEY) is None


def test_button_payloads_and_empty_text_are_left_alone():
    [payload, empty] = component().process(
        [message('/feedback{"feedback_value":"up"}', "feedback"), message(" ")]
    )
    assert payload.get(INTENT)["name"] == "feedback" and payload.get(LANGUAGE_KEY) is None
    assert empty.get(LANGUAGE_KEY) is None
