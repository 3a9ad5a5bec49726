"""The NLU component: a red-flag hit, or the classifier's own urgent guess, wins."""

import pytest
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.nlu.red_flag_classifier import RED_FLAGS_KEY, URGENT_INTENT, RedFlagClassifier


@pytest.fixture
def component():
    return RedFlagClassifier(RedFlagClassifier.get_default_config())


def message(nlp, text, intent="faq", confidence=0.9):
    msg = Message(data={TEXT: text})
    msg.set(SPACY_DOCS[TEXT], nlp(text))
    msg.set(INTENT, {"name": intent, "confidence": confidence})
    msg.set(
        INTENT_RANKING_KEY,
        [{"name": intent, "confidence": confidence}, {"name": URGENT_INTENT, "confidence": 0.05}],
    )
    return msg


def test_red_flag_overrides_an_faq_intent(component, nlp):
    [msg] = component.process([message(nlp, "his temp is 39.5 and he's confused, is that CRS?")])
    assert msg.get(INTENT) == {"name": URGENT_INTENT, "confidence": 1.0}
    assert [r["name"] for r in msg.get(INTENT_RANKING_KEY)] == [URGENT_INTENT, "faq"]
    assert {f["category"] for f in msg.get(RED_FLAGS_KEY)} == {"fever", "confusion"}


def test_general_question_keeps_its_intent(component, nlp):
    [msg] = component.process([message(nlp, "can CRS cause seizures?")])
    assert msg.get(INTENT) == {"name": "faq", "confidence": 0.9}
    assert msg.get(RED_FLAGS_KEY) is None


def test_classifier_urgent_guess_is_kept_at_full_confidence(component, nlp):
    [msg] = component.process([message(nlp, "something is very wrong with my boy", URGENT_INTENT, 0.4)])
    assert msg.get(INTENT) == {"name": URGENT_INTENT, "confidence": 1.0}


def test_button_payloads_are_not_checked(component, nlp):
    [msg] = component.process([message(nlp, '/feedback{"feedback_value": "down"}', "feedback", 1.0)])
    assert msg.get(INTENT)["name"] == "feedback"
