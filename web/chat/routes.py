"""Thin HTTP routes of the chat API: parse, call a function in `service`, render."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr

from assistant.settings import Settings
from web.chat import service
from web.chat.rasa_client import RasaClient
from web.chat.ratelimit import ClientRateLimiter
from web.chat.replies import BotMessage
from web.chat.topics import welcome_buttons
from web.settings import WebSettings, get_shared_settings_from_app, get_web_settings_from_app

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


async def get_rasa(request: Request) -> RasaClient:
    """FastAPI dependency: the Rasa client `create_app`'s lifespan opened."""
    rasa: RasaClient = request.app.state.rasa
    return rasa


async def get_rate_limiter(request: Request) -> ClientRateLimiter:
    """FastAPI dependency: the per-client limit on the chat API."""
    limiter: ClientRateLimiter = request.app.state.rate_limiter
    return limiter


Web = Annotated[WebSettings, Depends(get_web_settings_from_app)]
Shared = Annotated[Settings, Depends(get_shared_settings_from_app)]
Rasa = Annotated[RasaClient, Depends(get_rasa)]
Limiter = Annotated[ClientRateLimiter, Depends(get_rate_limiter)]


@router.post("/chat")
async def chat(
    body: ChatRequest, request: Request, rasa: Rasa, limiter: Limiter, settings: Web
) -> ChatResponse:
    limiter.check(request, body.sender)
    messages = await service.ask(
        rasa, body.sender, body.message, settings.max_message_chars, body.quick_reply
    )
    return ChatResponse(messages=messages)


@router.post("/feedback")
async def feedback(
    body: FeedbackRequest, request: Request, rasa: Rasa, limiter: Limiter, settings: Web
) -> ChatResponse:
    limiter.check(request, body.sender)
    messages = await service.give_feedback(
        rasa, body.sender, body.value, body.message_id, settings.max_message_chars
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
