"""The contract's rules over every response in the domain (domain/)."""

import json

import textstat

from assistant.names import CAUTION_RESPONSE, URGENCY_SLOT, URGENT_RESPONSE
from assistant.topics import TOPIC_TITLES
from tests.helpers import ROOT, article_ngrams, contract_keys, domain, filled, ngrams, response_texts, words

MAX_GRADE = 8.0
RESULTS = ROOT / "results"


def all_variations():
    return [(name, text) for name, texts in response_texts().items() for text in texts]


def test_every_contract_key_has_a_response():
    responses = response_texts()
    missing = [key for key in contract_keys() if f"utter_faq/{key}" not in responses]
    assert missing == []


def test_no_faq_response_outside_the_contract():
    faq = {name.split("/", 1)[1] for name in response_texts() if name.startswith("utter_faq/")}
    assert faq == set(contract_keys())


def test_topic_titles_cover_exactly_the_contract():
    assert set(TOPIC_TITLES) == set(contract_keys())


def test_every_variation_names_the_care_team():
    missing = [name for name, text in all_variations() if "care team" not in filled(text).lower()]
    assert missing == []


def test_every_variation_gives_the_contact_details_from_settings():
    # The caution line is never sent alone: it goes before a reply that gives the contact.
    missing = [
        name
        for name, text in all_variations()
        if "{care_team_contact}" not in text and name != CAUTION_RESPONSE
    ]
    assert missing == []


def test_reading_grade_at_most_8():
    grades = {name: textstat.flesch_kincaid_grade(filled(text)) for name, text in all_variations()}
    hardest = max(grades, key=grades.__getitem__)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "reading_grade.json").write_text(
        json.dumps({"max_grade": grades[hardest], "response": hardest}), encoding="utf-8"
    )
    too_hard = {
        name: textstat.flesch_kincaid_grade(filled(text))
        for name, text in all_variations()
        if textstat.flesch_kincaid_grade(filled(text)) > MAX_GRADE
    }
    assert too_hard == {}


def test_no_eight_word_run_copied_from_the_article():
    copied = {
        name: [" ".join(g) for g in ngrams(words(filled(text)), 8) & article_ngrams()]
        for name, text in all_variations()
    }
    assert {name: runs for name, runs in copied.items() if runs} == {}


def urgent_variations():
    return domain()["responses"][URGENT_RESPONSE]


def test_the_urgent_reply_has_an_emergency_wording_chosen_by_the_urgency_slot():
    conditions = [v.get("condition") for v in urgent_variations()]
    assert [{"type": "slot", "name": URGENCY_SLOT, "value": "emergency"}] in conditions
    assert None in conditions  # the default wording, for every other report
    emergency = next(v for v in urgent_variations() if v.get("condition"))
    assert emergency["text"].startswith("Call {emergency_number} now.")
    assert emergency["custom"] == {"urgent": True, "level": "emergency"}


def test_urgent_replies_say_when_to_call_emergency_services():
    for variation in urgent_variations():
        text = variation["text"]
        assert "{emergency_number}" in text
        assert variation["custom"]["urgent"] is True
        for sign in ("trouble breathing", "seizure", "hard to wake"):
            assert sign in text.lower()


def test_urgent_replies_give_no_reassurance():
    reassuring = ("don't worry", "do not worry", "probably", "normal", "fine", "most children")
    for variation in urgent_variations():
        text = variation["text"].lower()
        assert [w for w in reassuring if w in text] == [], text


def test_answers_never_recommend_a_medicine_change():
    advice = (
        "you should give",
        "stop giving",
        "start giving",
        "increase the dose",
        "lower the dose",
        "your child has crs",
        "your child does not have crs",
    )
    offending = [name for name, text in all_variations() if any(a in text.lower() for a in advice)]
    assert offending == []
