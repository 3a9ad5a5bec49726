"""Thin HTTP routes of the chat API: parse, call a function in `service`, render."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr

from assistant.settings import Settings
from web.chat import service
from web.chat.conversation_ids import ConversationIds, invalid_conversation
from web.chat.rasa_client import RasaClient
from web.chat.ratelimit import ClientRateLimiter
from web.chat.replies import BotMessage
from web.chat.topics import welcome_buttons
from web.settings import WebSettings, get_shared_settings_from_app, get_web_settings_from_app

router = APIRouter(prefix="/api")


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # The conversation token from POST /api/conversations (web.chat.conversation_ids).
    sender: StrictStr
    message: StrictStr
    # True when the message is a tapped button's payload (see service.ask).
    quick_reply: StrictBool = False


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sender: StrictStr
    value: StrictStr
    message_id: StrictStr | None = None


class ChatResponse(BaseModel):
    messages: list[BotMessage]


class ConversationResponse(BaseModel):
    conversation: str


async def get_rasa(request: Request) -> RasaClient:
    """FastAPI dependency: the Rasa client `create_app`'s lifespan opened."""
    rasa: RasaClient = request.app.state.rasa
    return rasa


async def get_rate_limiter(request: Request) -> ClientRateLimiter:
    """FastAPI dependency: the per-client limit on the chat API."""
    limiter: ClientRateLimiter = request.app.state.rate_limiter
    return limiter


async def get_conversation_ids(request: Request) -> ConversationIds:
    """FastAPI dependency: the issuer of conversation tokens `create_app` made."""
    ids: ConversationIds = request.app.state.conversation_ids
    return ids


Web = Annotated[WebSettings, Depends(get_web_settings_from_app)]
Shared = Annotated[Settings, Depends(get_shared_settings_from_app)]
Rasa = Annotated[RasaClient, Depends(get_rasa)]
Limiter = Annotated[ClientRateLimiter, Depends(get_rate_limiter)]
Ids = Annotated[ConversationIds, Depends(get_conversation_ids)]


def _sender(request: Request, limiter: ClientRateLimiter, ids: ConversationIds, token: str) -> str:
    """The Rasa sender id of ``token``, counted against the limits (ChatError when refused)."""
    sender = ids.sender_of(token)
    limiter.check(request, sender)
    if sender is None:
        raise invalid_conversation()
    return sender


@router.post("/conversations", status_code=201)
async def new_conversation(request: Request, limiter: Limiter, ids: Ids) -> ConversationResponse:
    """A new conversation's token, which the widget sends with each message."""
    limiter.check_new_conversation(request)
    return ConversationResponse(conversation=ids.issue())


@router.post("/chat")
async def chat(
    body: ChatRequest, request: Request, rasa: Rasa, limiter: Limiter, ids: Ids, settings: Web
) -> ChatResponse:
    sender = _sender(request, limiter, ids, body.sender)
    messages = await service.ask(rasa, sender, body.message, settings.max_message_chars, body.quick_reply)
    return ChatResponse(messages=messages)


@router.post("/feedback")
async def feedback(
    body: FeedbackRequest, request: Request, rasa: Rasa, limiter: Limiter, ids: Ids, settings: Web
) -> ChatResponse:
    sender = _sender(request, limiter, ids, body.sender)
    messages = await service.give_feedback(
        rasa, sender, body.value, body.message_id, settings.max_message_chars
    )
    return ChatResponse(messages=messages)


@router.get("/config")
async def config(settings: Web, shared: Shared) -> dict[str, Any]:
    """What the widget shows besides the bot: contacts, limits and the welcome's buttons."""
    return {
        "care_team_contact": shared.care_team_contact,
        "care_team_phone": shared.care_team_phone,
        "emergency_number": shared.emergency_number,
        "max_message_chars": settings.max_message_chars,
        "transcript_ttl_hours": settings.transcript_ttl_hours,
        "welcome_buttons": welcome_buttons(),
    }


@router.get("/health")
async def health(rasa: Rasa) -> dict[str, str]:
    return {"gateway": "ok", "rasa": "ok" if await rasa.is_up() else "unreachable"}
