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
