"""Turn Rasa tracker-store events into the messages staff review, with flags.

Pure functions over ``events`` rows (id, sender_id, type_name, timestamp,
intent_name, action_name, data); no database access here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.names import (
    FALLBACK_ACTIONS,
    FALLBACK_INTENT,
    FEEDBACK_ENTITY,
    FEEDBACK_INTENT,
    OTHER_LANGUAGE_INTENT,
    OUT_OF_SCOPE_INTENT,
    TRIAGE_CAUTION,
    TRIAGE_KEY,
    URGENT_INTENT,
    URGENT_RESPONSE,
    feedback_command_value,
)
from assistant.names import FAQ_INTENT as RETRIEVAL_INTENT
from web.console.privacy import redact

URGENT = "urgent"
NOT_UNDERSTOOD = "not_understood"
OUT_OF_SCOPE = "out_of_scope"
THUMBS_DOWN = "thumbs_down"
FLAGS = (URGENT, NOT_UNDERSTOOD, OUT_OF_SCOPE, THUMBS_DOWN)
FLAG_LABELS = {
    URGENT: "urgent",
    NOT_UNDERSTOOD: "not understood",
    OUT_OF_SCOPE: "out of scope",
    THUMBS_DOWN: "thumbs down",
}

# The urgent reply (assistant/plugins/nlg.py).
URGENT_ACTIONS = frozenset({URGENT_RESPONSE})
EVENT_TYPES = ("user", "bot", "action")


@dataclass
class Message:
    """One user message, bot reply or feedback in a conversation."""

    event_id: int
    sender_id: str
    kind: str  # "user", "bot" or "feedback"
    timestamp: float
    text: str
    intent: str | None = None
    confidence: float | None = None
    response_key: str | None = None
    response_confidence: float | None = None
    feedback_value: str | None = None
    buttons: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    # A parent message's text as the summary redacted it (`web.console.services.summary`), when known.
    summary_text: str | None = None

    @property
    def redacted_text(self) -> str:
        if self.kind != "user":
            return self.text
        return self.summary_text if self.summary_text is not None else redact(self.text)

    @property
    def topic(self) -> str | None:
        """The FAQ key chosen by the response selector (``faq/<key>`` -> ``<key>``)."""
        if self.intent != RETRIEVAL_INTENT or not self.response_key:
            return None
        return self.response_key.split("/", 1)[-1]

    @property
    def chosen(self) -> str:
        """What the bot understood, e.g. ``faq/what_is_crs`` or ``greet``."""
        if self.topic:
            return f"{RETRIEVAL_INTENT}/{self.topic}"
        return self.intent or ""


def _load(data: Any) -> dict[str, Any]:
    if isinstance(data, Mapping):
        return dict(data)
    try:
        loaded = json.loads(data or "{}")
    except (TypeError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None


def _feedback_value(text: str, parse_data: Mapping[str, Any]) -> str | None:
    for entity in parse_data.get("entities") or []:
        if isinstance(entity, Mapping) and entity.get("entity") == FEEDBACK_ENTITY:
            return str(entity.get("value"))
    return feedback_command_value(text)


def parse_user(row: Mapping[str, Any], low_confidence: float) -> Message:
    """A user (or feedback) message from a ``user`` event row."""
    data = _load(row.get("data"))
    parse_data = data.get("parse_data") or {}
    intent_info = parse_data.get("intent") or {}
    intent = intent_info.get("name") or row.get("intent_name")
    text = str(data.get("text") or "")
    message = Message(
        event_id=int(row["id"]),
        sender_id=str(row["sender_id"]),
        kind="user",
        timestamp=float(row.get("timestamp") or data.get("timestamp") or 0.0),
        text=text,
        intent=intent,
        confidence=_number(intent_info.get("confidence")),
    )
    selectors = parse_data.get("response_selector") or {}
    selector = selectors.get(intent) or selectors.get("default") or {}
    response = selector.get("response") or {}
    if intent == RETRIEVAL_INTENT and response:
        message.response_key = response.get("intent_response_key")
        message.response_confidence = _number(response.get("confidence"))
    if intent == FEEDBACK_INTENT:
        message.kind = "feedback"
        message.feedback_value = _feedback_value(text, parse_data)
        if message.feedback_value == "down":
            message.flags.add(THUMBS_DOWN)
        return message
    if is_urgent_for_staff(intent, parse_data):
        message.flags.add(URGENT)
    if intent == OUT_OF_SCOPE_INTENT:
        message.flags.add(OUT_OF_SCOPE)
    lowest = min(
        (c for c in (message.confidence, message.response_confidence) if c is not None),
        default=None,
    )
    if intent == FALLBACK_INTENT or (lowest is not None and lowest < low_confidence):
        message.flags.add(NOT_UNDERSTOOD)
    return message


def is_urgent_for_staff(intent: str | None, parse_data: Mapping[str, Any]) -> bool:
    """A report, a message the triage was unsure of (the reply put the emergency line first),
    or a message in another language (the family could not be answered in it): staff see
    each of them in the urgent part of the queue."""
    triage = parse_data.get(TRIAGE_KEY)
    cautioned = isinstance(triage, Mapping) and triage.get("decision") == TRIAGE_CAUTION
    return intent in (URGENT_INTENT, OTHER_LANGUAGE_INTENT) or cautioned


def parse_bot(row: Mapping[str, Any]) -> Message:
    data = _load(row.get("data"))
    extra = data.get("data") or {}
    buttons = [str(b.get("title", "")) for b in (extra.get("buttons") or []) if isinstance(b, Mapping)]
    return Message(
        event_id=int(row["id"]),
        sender_id=str(row["sender_id"]),
        kind="bot",
        timestamp=float(row.get("timestamp") or data.get("timestamp") or 0.0),
        text=str(data.get("text") or ""),
        buttons=buttons,
    )


def build_messages(rows: Iterable[Mapping[str, Any]], low_confidence: float) -> list[Message]:
    """Messages of one conversation from its rows in id order.

    Action events are not shown but flag the user message before them: the
    urgent action marks it urgent, a fallback action marks it not understood.
    """
    messages: list[Message] = []
    last_user: Message | None = None
    for row in rows:
        kind = row.get("type_name")
        if kind == "user":
            message = parse_user(row, low_confidence)
            messages.append(message)
            if message.kind == "user":
                last_user = message
        elif kind == "bot":
            messages.append(parse_bot(row))
        elif kind == "action" and last_user is not None:
            action = row.get("action_name") or _load(row.get("data")).get("name")
            if action in URGENT_ACTIONS:
                last_user.flags.add(URGENT)
            elif action in FALLBACK_ACTIONS:
                last_user.flags.add(NOT_UNDERSTOOD)
    return messages
