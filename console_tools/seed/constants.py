"""The seeder's numbers: Rasa's own names, the daily rhythm, the mix of messages, names."""

from __future__ import annotations

from assistant.names import (
    FALLBACK_INTENT,
    FAQ_INTENT,
    MEDICINE_INTENT,
    OUT_OF_SCOPE_INTENT,
    URGENT_INTENT,
)

DAY = 86400
MAX_CONVERSATIONS = 10_000_000
MAX_DAYS = 3650
MAX_BATCH = 100_000
COLUMNS = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")
Row = tuple[str, str, float, str | None, str | None, str]

# Rasa's own names (not in the domain's rules): the session's first action, the action
# that waits for the parent, the core fallback, and the replies of the custom actions
# (actions/logic.py feedback_response, actions/fallback.py). test_seed checks each reply
# exists in the domain.
SESSION_START = "action_session_start"
ACTION_LISTEN = "action_listen"
CORE_FALLBACK = "action_default_fallback"
FALLBACK_REPLY = "utter_ask_affirmation"
CORE_FALLBACK_REPLY = "utter_default"
FEEDBACK_REPLIES = {"up": "utter_feedback_up", "down": "utter_feedback_down"}
ASSISTANT_ID = "crs-faq-assistant"

# Per hour of the day (UTC, read as the parents' local time): evenings and nights are busiest.
HOUR_WEIGHTS = (
    1.3, 1.2, 1.0, 0.8, 0.5, 0.4, 0.5, 0.7, 0.8, 0.9, 0.9, 0.9,
    0.9, 0.9, 0.9, 0.9, 1.0, 1.0, 1.1, 1.3, 1.5, 1.7, 1.7, 1.5,
)  # fmt: skip
WEEKEND_WEIGHT = 0.85
# Parent turns per conversation (1..6); with the session's 3 events and 4 per turn
# (plus slot and loop events) about 10 events a conversation.
TURN_WEIGHTS = (0.56, 0.22, 0.11, 0.06, 0.03, 0.02)
# What a parent's message is about (not the first or last turn's small talk).
CONTENT_MIX = (
    (FAQ_INTENT, 0.765),
    (OUT_OF_SCOPE_INTENT, 0.05),
    (FALLBACK_INTENT, 0.05),
    (URGENT_INTENT, 0.03),
    (MEDICINE_INTENT, 0.025),
    ("express_feelings", 0.025),
    ("ask_for_help", 0.01),
    ("what_can_you_do", 0.015),
    ("bot_challenge", 0.01),
    ("greet", 0.01),
    ("thank", 0.01),
)
P_GREET_FIRST = 0.15
P_CLOSING = 0.2  # last of several turns is "thanks" (3 in 4) or "bye"
P_FEEDBACK = 0.14  # after an FAQ answer, a thumbs up or down
P_THUMBS_DOWN = 0.3
P_TYPED_FEEDBACK = 0.1  # "not helpful" typed instead of a thumb
P_LOW_CONFIDENCE = 0.07  # FAQ answered with an unsure response selector (< 0.6)
P_CORE_FALLBACK = 0.01  # FAQ where the policy gives up (action_default_fallback)
P_TAP_AFTER_FALLBACK = 0.5  # after the fallback's buttons, the parent taps one
P_RETURN = 0.04  # the sender comes back later for a second session

BOYS = ("Liam", "Noah", "Oliver", "Elijah", "James", "Lucas", "Mason", "Ethan", "Logan", "Jacob",
        "Aiden", "Mateo", "Leo", "Caleb", "Owen", "Wyatt", "Jayden", "Isaac", "Theo", "Carlos")  # fmt: skip
GIRLS = ("Olivia", "Emma", "Ava", "Sophia", "Isabella", "Mia", "Amelia", "Harper", "Ella", "Aria",
         "Chloe", "Lily", "Zoe", "Nora", "Layla", "Grace", "Maya", "Isla", "Sofia", "Priya")  # fmt: skip
SURNAMES = ("Smith", "Johnson", "Garcia", "Miller", "Davis", "Martinez", "Nguyen", "Patel", "Kim", "Brown")
HOSPITALS = ("Boston Children's Hospital", "St. Jude", "Lurie Children's", "CHOP", "Seattle Children's")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
VAGUE = ("ok", "hmm", "?", "and then", "what about the other thing", "idk", "huh", "so",
         "what do u mean", "ok but", "ya", "the thing from before", "more", "wait what")  # fmt: skip
KEYBOARD = "qwertyuiopasdfghjklzxcvbnm"
