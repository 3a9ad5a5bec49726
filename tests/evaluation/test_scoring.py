"""Scoring rules of the evaluation, as the dev set's `about` gives them."""

import pytest

from assistant.names import MEDICINE_INTENT
from evaluation.outcome import URGENT, outcome
from evaluation.report import render, summary
from evaluation.scoring import NOT_URGENT, Case, group_of, score


def parse(intent, key=None):
    data = {"intent": {"name": intent, "confidence": 0.9}, "response_selector": {}}
    if key:
        data["response_selector"]["faq"] = {"response": {"intent_response_key": f"faq/{key}"}}
    return data


def test_outcome_reads_the_reply_the_bot_gives():
    assert outcome(parse("faq", "car_t")) == "faq/car_t"
    assert outcome(parse("report_urgent_symptom")) == URGENT
    assert outcome(parse("greet")) == "greet"
    assert outcome(parse("nlu_fallback")) == "nlu_fallback"
    assert outcome({"intent": None}) == "nlu_fallback"


@pytest.mark.parametrize(
    ("case", "got", "right"),
    [
        (Case("what is kymriah", "car_t"), "faq/car_t", True),
        (Case("what is kymriah", "car_t"), "faq/blinatumomab", False),
        (Case("x", "steroids", also=("il6_blockers",)), "faq/il6_blockers", True),
        (Case("x", "faq/car_t"), "faq/car_t", True),  # the held-out file's labels
        (Case("x", "urgent"), URGENT, True),
        (Case("x", "urgent"), "faq/when_to_call", False),
        (Case("x", "out_of_scope"), "out_of_scope", True),
        (Case("x", "out_of_scope"), MEDICINE_INTENT, True),
        (Case("x", "out_of_scope"), "faq/steroids", False),
        (Case("x", "greet"), "greet", True),
        (Case("x", "greet"), URGENT, False),
    ],
)
def test_labels_are_scored_by_the_reply(case, got, right):
    assert score(case, got).right is right


def test_a_not_urgent_question_is_right_unless_alarmed_and_its_topic_is_counted_apart():
    case = Case("she had a fever last week, was it crs?", NOT_URGENT, topic="symptoms_general")
    assert score(case, "faq/symptoms_general").right and score(case, "faq/symptoms_general").topic_right
    assert score(case, "faq/car_t").right and score(case, "faq/car_t").topic_right is False
    assert not score(case, URGENT).right
    assert score(Case("thanks, less scary now", NOT_URGENT, topic="none"), "thank").topic_right is None


def test_groups():
    assert group_of("car_t") == group_of("faq/car_t") == "FAQ questions"
    assert group_of("thank") == "small talk"
    assert group_of("urgent") == "urgent"
    assert score(Case("x", "report_urgent_symptom"), URGENT).right


def test_summary_counts_and_lists_misses():
    results = [
        score(Case("a", "car_t"), "faq/car_t"),
        score(Case("b", "car_t"), URGENT),
        score(Case("c", NOT_URGENT, topic="icu"), "faq/icu"),
    ]
    data = summary(results)
    assert data["groups"]["FAQ questions"] == {
        "right": 1,
        "total": 2,
        "ci95": [0.0945, 0.9055],
        "urgent_reply": 1,
        "emergency_line": 0,
    }
    assert data["groups"][NOT_URGENT]["topic_right"] == 1
    assert [m["text"] for m in data["misses"]] == ["b"]
    assert "[car_t -> urgent] b" in render({"set": results})


def test_a_report_with_the_emergency_line_first_counts_as_escalated():
    report = Case("she is so floppy", URGENT, kind="drowsy_unresponsive")
    assert score(report, "faq/symptoms_brain", caution=True).right
    assert score(report, "faq/symptoms_brain", caution=True).escalated
    assert not score(report, "express_feelings").right


def test_a_question_with_the_emergency_line_is_still_answered():
    question = Case("can crs cause seizures?", NOT_URGENT, topic="symptoms_brain")
    scored = score(question, "faq/symptoms_brain", caution=True)
    assert scored.right and scored.topic_right and scored.caution


def test_a_message_in_another_language_needs_the_other_language_reply():
    case = Case("mi hija tiene fiebre", URGENT, language="es")
    assert score(case, "other_language").right
    assert not score(case, URGENT).right


def test_triage_figures_have_confidence_intervals_per_kind():
    results = [
        score(Case("a", URGENT, kind="fever_number"), URGENT),
        score(Case("b", URGENT, kind="fever_number"), "faq/car_t", caution=True),
        score(Case("c", NOT_URGENT, kind="negated"), "faq/car_t"),
        score(Case("d", NOT_URGENT, kind="negated"), URGENT),
        score(Case("e", URGENT, kind="fever", language="es"), "other_language"),
    ]
    data = summary(results)
    assert data["triage"]["reports_escalated"]["count"] == 2
    assert data["triage"]["reports_urgent_reply"]["count"] == 1
    assert data["triage"]["non_reports_urgent_reply"] == {"count": 1, "total": 2, "ci95": [0.0945, 0.9055]}
    assert data["triage"]["other_language_safety_message"]["count"] == 1
    assert data["kinds"]["report: fever_number"]["right"] == 2
    assert "report: fever [es]" in data["kinds"]
    assert "reports_escalated" in render({"set": results})
