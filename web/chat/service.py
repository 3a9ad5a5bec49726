"""The chat logic behind the routes: plain async functions, tested without HTTP."""

from __future__ import annotations

from web.chat.rasa_client import RasaClient, no_answer
from web.chat.replies import DEFAULT_MAX_CHARS, BotMessage, shape_replies
from web.chat.topics import button_intents
from web.chat.validation import (
    check_message_id,
    clean_message,
    clean_quick_reply,
    feedback_command,
)


async def ask(
    client: RasaClient, sender: str, message: str, max_chars: int, quick_reply: bool = False
) -> list[BotMessage]:
    """Forward one parent's message (or a tapped button's payload) and shape the answer;
    ``sender`` is the id the conversation's token stands for (`web.chat.conversation_ids`).

    A typed message never reaches Rasa as an `/intent` command; a tapped button's payload
    may, when it names an intent a button is allowed to carry (`topics.button_intents`).
    """
    if quick_reply:
        text = clean_quick_reply(message, max_chars, button_intents())
    else:
        text = clean_message(message, max_chars)
    replies = shape_replies(await client.send(sender, text), max_chars)
    if not replies:
        raise no_answer()
    return replies


async def give_feedback(
    client: RasaClient,
    sender: str,
    value: str,
    message_id: str | None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> list[BotMessage]:
    """Send the `feedback` intent for a thumb up/down on one bot message."""
    command = feedback_command(value)
    message_id = check_message_id(message_id)
    metadata = {"rated_message_id": message_id} if message_id else None
    return shape_replies(await client.send(sender, command, metadata), max_chars)
