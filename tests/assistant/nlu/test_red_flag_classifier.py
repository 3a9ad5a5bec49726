"""The NLU component: a red-flag hit, or the classifier's own urgent guess, wins."""

import pytest
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.nlu.red_flag_classifier import RED_FLAGS_KEY, URGENT_INTENT, RedFlagClassifier


@pytest.fixture
def component():
    return RedFlagClassifier(RedFlagClassifier.get_default_config())


def message(nlp, text, intent="faq", confidence=0.9, ranking=None):
    msg = Message(data={TEXT: text})
    msg.set(SPACY_DOCS[TEXT], nlp(text))
    msg.set(INTENT, {"name": intent, "confidence": confidence})
    msg.set(
        INTENT_RANKING_KEY,
        ranking or [{"name": intent, "confidence": confidence}, {"name": URGENT_INTENT, "confidence": 0.05}],
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


def test_classifier_urgent_guess_on_a_question_about_a_past_sign_gives_the_answer(component, nlp):
    ranking = [
        {"name": URGENT_INTENT, "confidence": 0.6},
        {"name": "faq", "confidence": 0.3},
        {"name": "greet", "confidence": 0.1},
    ]
    text = "she had a fever on day 4 but it went away after a day, was that crs?"
    [msg] = component.process([message(nlp, text, URGENT_INTENT, 0.6, ranking)])
    assert msg.get(INTENT) == {"name": "faq", "confidence": pytest.approx(0.75)}
    assert [r["name"] for r in msg.get(INTENT_RANKING_KEY)] == ["faq", "greet"]
    assert msg.get(RED_FLAGS_KEY) is None


def test_classifier_urgent_guess_with_a_negated_sign_gives_the_answer(component, nlp):
    ranking = [{"name": URGENT_INTENT, "confidence": 0.5}, {"name": "faq", "confidence": 0.5}]
    text = "no fever yet on day 6, are we past the risk?"
    [msg] = component.process([message(nlp, text, URGENT_INTENT, 0.5, ranking)])
    assert msg.get(INTENT)["name"] == "faq"


def test_classifier_urgent_guess_without_any_sign_named_stays_urgent(component, nlp):
    ranking = [{"name": URGENT_INTENT, "confidence": 0.5}, {"name": "faq", "confidence": 0.5}]
    [msg] = component.process(
        [message(nlp, "please come quick something is wrong with him", URGENT_INTENT, 0.5, ranking)]
    )
    assert msg.get(INTENT) == {"name": URGENT_INTENT, "confidence": 1.0}


def test_a_report_beside_a_negated_sign_is_urgent(component, nlp):
    [msg] = component.process([message(nlp, "no fever but she's not breathing properly")])
    assert msg.get(INTENT)["name"] == URGENT_INTENT
    assert [f["category"] for f in msg.get(RED_FLAGS_KEY)] == ["breathing"]


def test_a_report_is_never_within_the_fallback_ambiguity_of_another_sure_intent(component, nlp):
    ranking = [{"name": "ask_medicine_dose", "confidence": 0.99}, {"name": URGENT_INTENT, "confidence": 0.01}]
    text = "my son has a fever of 39 can i give tylenol"
    [msg] = component.process([message(nlp, text, "ask_medicine_dose", 0.99, ranking)])
    first, second = msg.get(INTENT_RANKING_KEY)[:2]
    assert first == {"name": URGENT_INTENT, "confidence": 1.0}
    assert second["name"] == "ask_medicine_dose" and first["confidence"] - second["confidence"] >= 0.5


def with_probability(msg, p):
    msg.set("triage", {"probability": p})
    return msg


def test_the_model_alone_makes_a_report_in_unknown_words_urgent(component, nlp):
    [msg] = component.process(
        [with_probability(message(nlp, "she just stares and wont look at me", "express_feelings"), 0.97)]
    )
    assert msg.get(INTENT)["name"] == URGENT_INTENT
    assert msg.get("triage") == {"probability": 0.97, "decision": "urgent"}


def test_an_unsure_model_keeps_the_answer_and_asks_for_the_emergency_line(component, nlp):
    [msg] = component.process(
        [with_probability(message(nlp, "tonight is a strange night", "express_feelings"), 0.5)]
    )
    assert msg.get(INTENT)["name"] == "express_feelings"
    assert msg.get("triage")["decision"] == "caution"


def test_a_matcher_report_the_model_strongly_doubts_gets_both(component, nlp):
    [msg] = component.process([with_probability(message(nlp, "his temp is 39.5"), 0.001)])
    assert msg.get(INTENT)["name"] == "faq"
    assert msg.get("triage")["decision"] == "caution"
    assert msg.get(RED_FLAGS_KEY)  # staff still see what the matcher read


def test_a_calm_question_stays_calm(component, nlp):
    [msg] = component.process([with_probability(message(nlp, "can CRS cause seizures?"), 0.01)])
    assert msg.get(INTENT) == {"name": "faq", "confidence": 0.9}
    assert msg.get("triage")["decision"] == "calm"
