"""Shape Rasa's REST-channel messages into the widget's bot messages.

Rasa returns a list such as
    [{"recipient_id": "a", "text": "..."},
     {"recipient_id": "a", "custom": {"urgent": true, "level": "emergency"}}]
The urgent marker is merged into the text message before it, so the widget can style
that one message and offer tap-to-call links. Anything unexpected is dropped.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel

UrgentLevel = Literal["emergency", "urgent"]


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


def _buttons(raw: Any) -> list[Button]:
    if not isinstance(raw, list):
        return []
    buttons = []
    for item in raw:
        if isinstance(item, dict):
            title, payload = item.get("title"), item.get("payload")
            if isinstance(title, str) and isinstance(payload, str) and title.strip():
                buttons.append(Button(title=title, payload=payload))
    return buttons


def _urgent_marker(custom: Any) -> UrgentLevel | None:
    """The urgency level of a `custom` payload, or None if it is not an urgent marker."""
    if not isinstance(custom, dict) or custom.get("urgent") is not True:
        return None
    return "emergency" if custom.get("level") == "emergency" else "urgent"


def shape_replies(raw: Any) -> list[BotMessage]:
    """Turn Rasa's response body into bot messages for the widget."""
    if not isinstance(raw, list):
        return []
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
        buttons = _buttons(item.get("buttons"))
        if isinstance(text, str) and text.strip():
            shaped.append(BotMessage(id=_new_id(), text=text, buttons=buttons))
        elif buttons and shaped:
            shaped[-1].buttons.extend(buttons)
    return shaped
