"""The console's filters as they were computed before the SQL summary: in Python, over
every conversation replayed from Rasa's events. Kept as the oracle that the SQL list
(`web.console.services.listing`) must agree with (tests/web/console/test_listing_equivalence.py).
"""

from __future__ import annotations

from datetime import timedelta

from web.console.services.conversations import Conversation
from web.console.services.filters import Filters, day_start


def matches(conversation: Conversation, filters: Filters) -> bool:
    started = conversation.started
    if filters.date_from and started < day_start(filters.date_from):
        return False
    if filters.date_to and started >= day_start(filters.date_to + timedelta(days=1)):
        return False
    if filters.topic and filters.topic not in conversation.topics:
        return False
    if filters.flag and filters.flag not in conversation.flags:
        return False
    if filters.max_confidence is not None:
        lowest = conversation.lowest_confidence
        if lowest is None or lowest >= filters.max_confidence:
            return False
    if filters.reviewed and conversation.reviewed != (filters.reviewed == "yes"):
        return False
    if filters.q:
        needle = filters.q.casefold()
        if not any(needle in m.redacted_text.casefold() for m in conversation.user_messages):
            return False
    return True


def apply_filters(conversations: list[Conversation], filters: Filters) -> list[Conversation]:
    return [c for c in conversations if matches(c, filters)]
