"""Names more than one process or component shares: defined once, imported everywhere.

The NLU components and the response generator (Rasa), the custom actions, the web gateway
and the staff console all import these; `tests/contract/test_names.py` checks each one
against `domain.yml` and the training data, so a rename breaks a test, not production.
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
FEEDBACK_INTENT = "feedback"
# Set by Rasa's FallbackClassifier when no intent is confident enough.
FALLBACK_INTENT = "nlu_fallback"
# Small talk a quick-reply button may send as `/<intent>`.
SMALL_TALK_INTENTS = ("greet", "goodbye", "thank", "bot_challenge", "what_can_you_do")

# ------------------------------------------------------------------ parse data and slots
# Parse-data key under which the red-flag component lists the flags it found.
RED_FLAGS_KEY = "red_flags"
# Slots every reply is filled from (assistant/plugins/nlg.py sets them from the settings).
CARE_TEAM_SLOT = "care_team_contact"
EMERGENCY_SLOT = "emergency_number"
# Picks utter_urgent's emergency wording; set per reply from the red flags.
URGENCY_SLOT = "urgency_level"
EMERGENCY_LEVEL = "emergency"
URGENT_LEVEL = "urgent"

# ------------------------------------------------------------------- responses, actions
# The reply to a report of something worrying happening now, and the action that gave it
# before the reply moved into the Rasa process (older stored conversations).
URGENT_RESPONSE = "utter_urgent"
LEGACY_URGENT_ACTION = "action_respond_urgent"
# The `custom` payload of the urgent reply: {URGENT_MARKER: true, URGENT_LEVEL_KEY: level}.
URGENT_MARKER = "urgent"
URGENT_LEVEL_KEY = "level"
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
