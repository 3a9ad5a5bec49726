"""Names more than one process or component shares: defined once, imported everywhere.

Standard library only, so both virtualenvs can import it.
"""

from assistant.topics import RETRIEVAL_INTENT

FAQ_INTENT = RETRIEVAL_INTENT
URGENT_INTENT = "report_urgent_symptom"
# Parse-data key under which the red-flag component lists the flags it found.
RED_FLAGS_KEY = "red_flags"
# Asks how much of a medicine to give, or whether to give it: the helper never advises.
MEDICINE_INTENT = "ask_medicine_dose"
# Slots every reply is filled from (assistant/nlg.py sets them from the settings).
CARE_TEAM_SLOT = "care_team_contact"
EMERGENCY_SLOT = "emergency_number"
# Picks utter_urgent's emergency wording; set per reply from the red flags.
URGENCY_SLOT = "urgency_level"
# The reply to a report of something worrying happening now, and the action that
# gave it before the reply moved into the Rasa process (older conversations).
URGENT_RESPONSE = "utter_urgent"
LEGACY_URGENT_ACTION = "action_respond_urgent"
