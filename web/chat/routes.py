"""Thin HTTP routes of the chat API: parse, call a function in `service`, render."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr

from assistant.settings import get_settings
from web.chat import service
from web.chat.rasa_client import RasaClient
from web.chat.ratelimit import ClientRateLimiter
from web.chat.replies import BotMessage
from web.chat.topics import welcome_buttons
from web.settings import WebSettings

router = APIRouter(prefix="/api")


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
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


def _state(request: Request) -> tuple[RasaClient, ClientRateLimiter, WebSettings]:
    state = request.app.state
    return state.rasa, state.rate_limiter, state.web_settings


@router.post("/chat")
async def chat(body: ChatRequest, request: Request) -> ChatResponse:
    rasa, limiter, settings = _state(request)
    limiter.check(request)
    messages = await service.ask(
        rasa, body.sender, body.message, settings.max_message_chars, body.quick_reply
    )
    return ChatResponse(messages=messages)


@router.post("/feedback")
async def feedback(body: FeedbackRequest, request: Request) -> ChatResponse:
    rasa, limiter, settings = _state(request)
    limiter.check(request)
    messages = await service.give_feedback(
        rasa, body.sender, body.value, body.message_id, settings.max_message_chars
    )
    return ChatResponse(messages=messages)


@router.get("/config")
async def config(request: Request) -> dict[str, Any]:
    """What the widget shows besides the bot: contacts, limits and the welcome's buttons."""
    shared = get_settings()
    settings: WebSettings = request.app.state.web_settings
    return {
        "care_team_contact": shared.care_team_contact,
        "care_team_phone": shared.care_team_phone,
        "emergency_number": shared.emergency_number,
        "max_message_chars": settings.max_message_chars,
        "transcript_ttl_hours": settings.transcript_ttl_hours,
        "welcome_buttons": welcome_buttons(),
    }


@router.get("/health")
async def health(request: Request) -> dict[str, str]:
    rasa: RasaClient = request.app.state.rasa
    return {"gateway": "ok", "rasa": "ok" if await rasa.is_up() else "unreachable"}
