"""The chat logic behind the routes: plain async functions, tested without HTTP."""

from __future__ import annotations

from web.chat.rasa_client import RasaClient
from web.chat.replies import BotMessage, shape_replies
from web.chat.validation import (
    check_message_id,
    check_sender,
    clean_message,
    feedback_command,
)


async def ask(client: RasaClient, sender: str, message: str, max_chars: int) -> list[BotMessage]:
    """Forward one parent's message (or a quick-reply payload) and shape the answer."""
    sender = check_sender(sender)
    text = clean_message(message, max_chars)
    return shape_replies(await client.send(sender, text))


async def give_feedback(
    client: RasaClient, sender: str, value: str, message_id: str | None
) -> list[BotMessage]:
    """Send the `feedback` intent for a thumb up/down on one bot message."""
    sender = check_sender(sender)
    command = feedback_command(value)
    message_id = check_message_id(message_id)
    metadata = {"rated_message_id": message_id} if message_id else None
    return shape_replies(await client.send(sender, command, metadata))
