"""Names more than one process or component shares: defined once, imported everywhere.

The NLU components and the response generator (Rasa), the custom actions, the web gateway
and the staff console all import these; `tests/contract/test_names.py` checks each one
against the domain (`domain/`) and the training data, so a rename breaks a test, not production.
Standard library only, so both virtualenvs can import it.
"""

from __future__ import annotations

import json
from typing import Optional

from assistant.topics import RETRIEVAL_INTENT

# ----------------------------------------------------------------------------- intents
FAQ_INTENT = RETRIEVAL_INTENT
URGENT_INTENT = "report_urgent_symptom"
# Asks how much of a medicine to give, or whether to give it: the helper never advises.
MEDICINE_INTENT = "ask_medicine_dose"
OUT_OF_SCOPE_INTENT = "out_of_scope"
# Asks about the article's topics something the article does not answer (how a treatment is
# given, where, how often, other cancers, daily life...): said plainly, nearest topic offered.
NOT_IN_SOURCE_INTENT = "not_in_source"
NOT_IN_SOURCE_RESPONSE = "utter_not_in_source"
# Parse-data key of the scope check (assistant/nlu/scope_classifier.py): {"beyond": P,
# "asks_beyond": P >= its threshold, and "rescoped_from": "faq" when it turned a faq intent
# into not_in_source}.
SCOPE_KEY = "scope"
SCOPE_ASKS_BEYOND = "asks_beyond"
SCOPE_RESCOPED_FROM = "rescoped_from"
FEEDBACK_INTENT = "feedback"
# A message in a language other than English (assistant/nlu/language_classifier.py).
OTHER_LANGUAGE_INTENT = "other_language"
# Set by Rasa's FallbackClassifier when no intent is confident enough.
FALLBACK_INTENT = "nlu_fallback"
# Small talk a quick-reply button may send as `/<intent>`.
SMALL_TALK_INTENTS = ("greet", "goodbye", "thank", "bot_challenge", "what_can_you_do")

# ------------------------------------------------------------------ parse data and slots
# Parse-data key under which the red-flag component lists the flags it found.
RED_FLAGS_KEY = "red_flags"
# spaCy entity label of a red-flag symptom: set by the project's pipeline
# (assistant/nlu/vocabulary/symptom_patterns.jsonl), read by the red-flag matcher.
SYMPTOM_LABEL = "symptom"
# Parse-data key of the triage decision (assistant/nlu/triage.py): {"probability": p,
# "decision": one of TRIAGE_DECISIONS}. "caution": the reply starts with CAUTION_RESPONSE.
TRIAGE_KEY = "triage"
TRIAGE_URGENT = "urgent"
TRIAGE_CAUTION = "caution"
TRIAGE_CALM = "calm"
TRIAGE_DECISIONS = (TRIAGE_URGENT, TRIAGE_CAUTION, TRIAGE_CALM)
# Parse-data key of the message's language: {"code": "es", "confidence": p}.
LANGUAGE_KEY = "language"
# Slots every reply is filled from (assistant/plugins/nlg.py sets them from the settings).
CARE_TEAM_SLOT = "care_team_contact"
EMERGENCY_SLOT = "emergency_number"
# Picks utter_urgent's emergency wording; set per reply from the red flags.
URGENCY_SLOT = "urgency_level"
EMERGENCY_LEVEL = "emergency"
URGENT_LEVEL = "urgent"

# ------------------------------------------------------------------- responses, actions
# The reply to a report of something worrying happening now.
URGENT_RESPONSE = "utter_urgent"
# The `custom` payload of the urgent reply: {URGENT_MARKER: true, URGENT_LEVEL_KEY: level}.
URGENT_MARKER = "urgent"
URGENT_LEVEL_KEY = "level"
# ...and, on a reply that starts with the emergency line, {CAUTION_MARKER: true} beside them.
CAUTION_MARKER = "caution"
# The emergency line put first in a reply when the triage is not sure the message is only
# a question, and the fixed safety message for another language (languages/).
CAUTION_RESPONSE = "utter_caution"
# The emergency sentence, word for word, in every reply that names a red-flag sign and in
# every reply to a message that could describe the child (medical-source/faq-topics.md).
EMERGENCY_SENTENCE = (
    "If your child has trouble breathing, has a seizure, or is hard to wake, call {emergency_number} now."
)
# Replies that always carry it: they may answer a message about the child's state.
FAIL_SAFE_RESPONSES = (
    "utter_express_feelings",
    "utter_ask_affirmation",
    "utter_ask_rephrase",
    "utter_default",
    "utter_out_of_scope",
    "utter_goodbye",
    "utter_ask_for_help",
    "utter_medicine_dose",
    CAUTION_RESPONSE,
    "utter_other_language_safety",
    "utter_other_language",
)
OTHER_LANGUAGE_SAFETY_RESPONSE = "utter_other_language_safety"
OTHER_LANGUAGE_RESPONSE = "utter_other_language"
# Rasa's actions when a message was not understood.
FALLBACK_ACTIONS = frozenset({"action_two_stage_fallback", "action_default_fallback"})

# ------------------------------------------------------------------------ the feedback
FEEDBACK_ENTITY = "feedback_value"
FEEDBACK_VALUES = ("up", "down")
_FEEDBACK_PREFIX = f"/{FEEDBACK_INTENT}"


def feedback_command(value: str) -> str:
    """The intent message a thumb sends to Rasa: `/feedback{"feedback_value":"up"}`."""
    if value not in FEEDBACK_VALUES:
        raise ValueError(f"feedback must be one of {FEEDBACK_VALUES}, not {value!r}")
    return _FEEDBACK_PREFIX + json.dumps({FEEDBACK_ENTITY: value}, separators=(",", ":"))


def feedback_command_value(text: str) -> Optional[str]:
    """The value of a feedback command (as stored in a conversation), else None."""
    if not text.startswith(_FEEDBACK_PREFIX + "{"):
        return None
    try:
        payload = json.loads(text[len(_FEEDBACK_PREFIX) :])
    except ValueError:
        return None
    value = payload.get(FEEDBACK_ENTITY) if isinstance(payload, dict) else None
    return str(value) if value is not None else None
