"""Shape Rasa's REST-channel messages into the widget's bot messages.

Rasa returns a list such as
    [{"recipient_id": "a", "text": "..."},
     {"recipient_id": "a", "custom": {"urgent": true, "level": "emergency"}}]
The urgent marker is merged into the text message before it, so the widget can style
that one message and offer tap-to-call links. Anything unexpected is dropped.

Buttons (quick replies: the fallback's closest topics, an answer's related topics) are
passed on unchanged when safe: a short plain-text title, and a payload that is either a
plain question or an allowed `/intent` payload such as `/faq/<key>` (see `topics.py`).
Any other button is dropped, so the widget can send back whatever it is given.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any, Literal

from pydantic import BaseModel

from assistant.names import EMERGENCY_LEVEL, URGENT_LEVEL_KEY, URGENT_MARKER
from web.chat.topics import button_intents
from web.chat.validation import button_payload, button_title
from web.settings import WebSettings

UrgentLevel = Literal["emergency", "urgent"]
MAX_BUTTONS = 6
DEFAULT_MAX_CHARS: int = WebSettings.model_fields["max_message_chars"].default


class Button(BaseModel):
    title: str
    payload: str


class BotMessage(BaseModel):
    id: str
    text: str
    buttons: list[Button] = []
    urgent: bool = False
    level: UrgentLevel | None = None


def _new_id() -> str:
    return uuid.uuid4().hex


def _button(item: Any, max_chars: int, intents: Collection[str]) -> Button | None:
    if not isinstance(item, dict):
        return None
    title, payload = item.get("title"), item.get("payload")
    if not isinstance(title, str) or not isinstance(payload, str):
        return None
    safe_title = button_title(title)
    safe_payload = button_payload(payload, max_chars, intents)
    return Button(title=safe_title, payload=safe_payload) if safe_title and safe_payload else None


def _buttons(raw: Any, max_chars: int, intents: Collection[str]) -> list[Button]:
    if not isinstance(raw, list):
        return []
    buttons = [b for b in (_button(item, max_chars, intents) for item in raw) if b]
    return buttons[:MAX_BUTTONS]


def _urgent_marker(custom: Any) -> UrgentLevel | None:
    """The urgency level of a `custom` payload, or None if it is not an urgent marker."""
    if not isinstance(custom, dict) or custom.get(URGENT_MARKER) is not True:
        return None
    return "emergency" if custom.get(URGENT_LEVEL_KEY) == EMERGENCY_LEVEL else "urgent"


def shape_replies(
    raw: Any, max_chars: int = DEFAULT_MAX_CHARS, intents: Collection[str] | None = None
) -> list[BotMessage]:
    """Turn Rasa's response body into bot messages for the widget.

    `max_chars` is the gateway's message limit (a button payload must fit it);
    `intents` the intents a button may name, by default `topics.button_intents()`.
    """
    if not isinstance(raw, list):
        return []
    intents = button_intents() if intents is None else intents
    shaped: list[BotMessage] = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        level = _urgent_marker(item.get("custom"))
        if level is not None:
            if shaped:
                shaped[-1].urgent = True
                shaped[-1].level = level
            continue
        text = item.get("text")
        buttons = _buttons(item.get("buttons"), max_chars, intents)
        if isinstance(text, str) and text.strip():
            shaped.append(BotMessage(id=_new_id(), text=text, buttons=buttons))
        elif buttons and shaped:
            shaped[-1].buttons = (shaped[-1].buttons + buttons)[:MAX_BUTTONS]
    return shaped
