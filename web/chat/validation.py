"""Plain checks on what the widget sends: message text, feedback values (conversation tokens:
`web.chat.conversation_ids`)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

from assistant import names
from web.chat.errors import ChatError, bad_request

MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Leading whitespace and slashes: Rasa reads a message starting with "/" as an
# intent command, which a parent must never be able to inject.
_LEADING_COMMAND = re.compile(r"^[\s/]+")
_WHITESPACE_RUN = re.compile(r"[ \t]+")
# A button's intent payload: "/intent" or "/faq/<key>", with no entities, confidence or rest.
_INTENT_PAYLOAD = re.compile(r"/([a-z][a-z0-9_]*(?:/[a-z0-9_]+)?)")
MAX_BUTTON_TITLE_CHARS = 120


def _drop_control_characters(text: str) -> str:
    """Remove control/format/unassigned/surrogate characters, keeping newlines."""
    kept = []
    for char in text:
        if char in "\n\t":
            kept.append(" " if char == "\t" else char)
        elif unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn"):
            kept.append(char)
    return "".join(kept)


def clean_message(text: str, max_chars: int) -> str:
    """The message to forward to Rasa, or a ChatError saying what is wrong with it.

    Normalises Unicode, drops control characters, strips leading slashes (so no
    intent can be injected) and checks the length limit.
    """
    text = unicodedata.normalize("NFC", text)
    if len(text) > max_chars:
        raise _too_long(max_chars)
    text = _drop_control_characters(text)
    text = _WHITESPACE_RUN.sub(" ", text)
    text = _LEADING_COMMAND.sub("", text).strip()
    if not text:
        raise bad_request("empty_message", "Please type a question before sending.")
    return text


def intent_payload(text: str, intents: Collection[str]) -> str | None:
    """`text` if it is exactly `/<intent>` for one of `intents`, else None."""
    match = _INTENT_PAYLOAD.fullmatch(text)
    return text if match and match.group(1) in intents else None


def clean_quick_reply(text: str, max_chars: int, intents: Collection[str]) -> str:
    """What to forward for a tapped button: an allowed intent payload unchanged, anything
    else exactly as if it had been typed (so no other intent can be injected)."""
    return intent_payload(text, intents) or clean_message(text, max_chars)


def button_payload(payload: str, max_chars: int, intents: Collection[str]) -> str | None:
    """A bot button's payload if tapping it can be sent back as is: a plain one-line
    question the gateway would forward unchanged, or an allowed intent payload. Else None."""
    if intent_payload(payload, intents):
        return payload
    if "\n" in payload:
        return None
    try:
        return payload if clean_message(payload, max_chars) == payload else None
    except ChatError:
        return None


def button_title(title: str) -> str | None:
    """A bot button's title if it is short plain text (no markup, no control characters)."""
    title = title.strip()
    if not title or len(title) > MAX_BUTTON_TITLE_CHARS or "<" in title or ">" in title:
        return None
    if _drop_control_characters(title) != title or "\n" in title:
        return None
    return title


def _too_long(max_chars: int) -> ChatError:
    return bad_request(
        "message_too_long",
        f"Your message is too long. Please keep it under {max_chars} characters.",
    )


def check_message_id(message_id: str | None) -> str | None:
    if message_id is None:
        return None
    if not MESSAGE_ID.fullmatch(message_id):
        raise bad_request("invalid_message_id", "That answer can no longer be rated.")
    return message_id


def check_feedback_value(value: str) -> str:
    if value not in names.FEEDBACK_VALUES:
        raise bad_request("invalid_feedback", "Feedback must be 'up' or 'down'.")
    return value


def feedback_command(value: str) -> str:
    """The intent message the gateway itself sends to Rasa for a thumb."""
    return names.feedback_command(check_feedback_value(value))
