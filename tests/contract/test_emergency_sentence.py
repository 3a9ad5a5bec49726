"""Any response that names a red-flag sign tells the parent when to call emergency services.

A reply that mentions fever, trouble breathing, a seizure, confusion and the like
carries the sentence `utter_faq/when_to_call` uses, word for word, so a parent reading
about a sign never learns of it without the emergency instruction.
"""

import re
from typing import List

from assistant.names import CAUTION_RESPONSE, EMERGENCY_SENTENCE, FAIL_SAFE_RESPONSES
from assistant.nlu.medical_terms import symptom_terms
from tests.helpers import response_texts

# The urgent reply for breathing, seizures and waking opens with the call itself.
LEADS_WITH_THE_CALL = "Call {emergency_number} now."

# Red-flag categories of the project's symptom vocabulary (assistant/nlu/vocabulary/);
# "other" holds signs to report (rash, vomiting...) that are not red flags.
RED_FLAG_CATEGORIES = ("breathing", "seizure", "consciousness", "confusion", "speech", "heart", "fever")
# The plain words the responses use for the same signs (the vocabulary above lists
# how parents report them: "heart is racing", "can't breathe").
RESPONSE_RED_FLAG_WORDS = (
    "fever",
    "trouble breathing",
    "shortness of breath",
    "short of breath",
    "seizure",
    "hard to wake",
    "confusion",
    "confused",
    "faint",
    "passing out",
    "fast heart",
    "racing heart",
    "heart racing",
    "blue lips",
    "lips turn blue",
    "trouble talking",
    "shaking",
)
_VOCABULARY_TERMS = {t.lower() for c in RED_FLAG_CATEGORIES for t in symptom_terms()[c]}
RED_FLAG_TERMS = tuple(sorted(_VOCABULARY_TERMS | set(RESPONSE_RED_FLAG_WORDS)))


def red_flags_named(text: str) -> List[str]:
    lowered = text.lower().replace("\u2019", "'")
    return [term for term in RED_FLAG_TERMS if re.search(r"\b" + re.escape(term), lowered)]


def has_emergency_instruction(text: str) -> bool:
    return EMERGENCY_SENTENCE in text or text.startswith(LEADS_WITH_THE_CALL)


def test_the_sentence_is_the_one_when_to_call_uses():
    assert EMERGENCY_SENTENCE in response_texts()["utter_faq/when_to_call"][0]


def test_every_response_naming_a_red_flag_sign_carries_the_emergency_sentence():
    missing = {
        name: red_flags_named(text)
        for name, texts in response_texts().items()
        for text in texts
        if red_flags_named(text) and not has_emergency_instruction(text)
    }
    assert missing == {}


def test_the_vocabulary_finds_the_signs_the_answers_name():
    # Guards the rule against a vocabulary that silently stops matching anything.
    texts = response_texts()
    for name in (
        "utter_faq/symptoms_general",
        "utter_faq/symptoms_heart",
        "utter_faq/symptoms_brain",
        "utter_faq/symptoms_lungs",
        "utter_faq/when_does_crs_start",
        "utter_medicine_dose",
    ):
        assert red_flags_named(texts[name][0]), name
    assert red_flags_named("She has a fever and blue lips.") == ["blue lips", "fever"]
    assert red_flags_named("What are cytokines?") == []


def test_a_bare_call_for_help_gets_the_emergency_sentence_first():
    assert response_texts()["utter_ask_for_help"][0].startswith(EMERGENCY_SENTENCE)


def test_every_reply_that_may_answer_a_message_about_the_child_is_fail_safe():
    # Feelings, not understood, out of scope, goodbye, help, medicines, the caution line and
    # the other-language replies: each says to act right away and when to call emergency.
    texts = response_texts()
    for name in FAIL_SAFE_RESPONSES:
        for text in texts[name]:
            assert EMERGENCY_SENTENCE in text, name
            assert "right away" in text or "right now" in text or "before you give" in text, name


def test_the_caution_line_is_only_the_call_to_act():
    (text,) = response_texts()[CAUTION_RESPONSE]
    assert text.endswith(EMERGENCY_SENTENCE)
    assert "care team right away" in text
