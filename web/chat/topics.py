"""Which topics the widget's welcome offers, and which intents a quick-reply button may carry.

Nothing here copies a title: titles come from `assistant/topics.py` (the same titles the
bot's fallback buttons use) and FAQ keys from the domain via `assistant/project_files.py`.
"""

from __future__ import annotations

from functools import lru_cache

from assistant import project_files
from assistant.names import SMALL_TALK_INTENTS
from assistant.topics import RETRIEVAL_INTENT, topic_title

# The welcome's quick replies: what is CRS, its signs, when to call, how long it lasts.
WELCOME_TOPIC_KEYS = ("what_is_crs", "symptoms_general", "when_to_call", "recovery_time")

# Intents other than `faq/<key>` that a button may send as `/<intent>`: small talk only.
# Never feedback (it has its own endpoint), urgent reports, out_of_scope or Rasa's own
# intents such as /restart and /session_start.
CONVERSATION_INTENTS = SMALL_TALK_INTENTS


def welcome_buttons() -> list[dict[str, str]]:
    """The welcome's buttons; like the fallback's, each payload is the topic's question."""
    return [{"title": topic_title(key), "payload": topic_title(key)} for key in WELCOME_TOPIC_KEYS]


@lru_cache(maxsize=1)
def button_intents() -> frozenset[str]:
    """Intents a button payload may name: `faq/<key>` for every FAQ key, and small talk."""
    keys = project_files.faq_keys(project_files.domain())
    return frozenset(f"{RETRIEVAL_INTENT}/{key}" for key in keys) | frozenset(CONVERSATION_INTENTS)
