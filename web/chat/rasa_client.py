"""The forward to Rasa's REST channel, bounded in time, with errors the parent understands."""

from __future__ import annotations

from typing import Any

import anyio
import httpx

from web.chat.errors import ChatError


def unreachable() -> ChatError:
    return ChatError(
        status=503,
        code="assistant_unavailable",
        message="The assistant cannot be reached right now. Your message was not sent.",
    )


def timed_out() -> ChatError:
    return ChatError(
        status=504,
        code="assistant_timeout",
        message="The assistant is taking too long to answer. Please try again in a moment.",
    )


def no_answer() -> ChatError:
    """Rasa took the message but said nothing (e.g. the action server is down): the widget
    shows its error state, with the emergency number and the care team, instead of silence."""
    return ChatError(
        status=502,
        code="no_answer",
        message="The assistant could not answer that just now. Please try again in a moment.",
    )


class RasaClient:
    """Posts messages to `{rasa_url}/webhooks/rest/webhook` and checks Rasa's health."""

    def __init__(self, rasa_url: str, timeout_seconds: float, health_timeout: float) -> None:
        self.base_url = rasa_url.rstrip("/")
        self.timeout_seconds = timeout_seconds
        self.health_timeout = health_timeout
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_seconds, connect=min(timeout_seconds, 5.0)),
            limits=httpx.Limits(max_connections=50, max_keepalive_connections=10),
            trust_env=False,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send(self, sender: str, message: str, metadata: dict[str, Any] | None = None) -> Any:
        """Rasa's JSON answer to one message; raises ChatError when Rasa fails."""
        body: dict[str, Any] = {"sender": sender, "message": message}
        if metadata:
            body["metadata"] = metadata
        url = self.base_url + "/webhooks/rest/webhook"
        try:
            with anyio.fail_after(self.timeout_seconds):
                response = await self._http.post(url, json=body)
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise timed_out() from exc
        except httpx.HTTPError as exc:
            raise unreachable() from exc
        if response.status_code != 200:
            raise unreachable()
        try:
            return response.json()
        except ValueError as exc:
            raise unreachable() from exc

    async def is_up(self) -> bool:
        """True when Rasa answers its root URL ("Hello from Rasa")."""
        try:
            with anyio.fail_after(self.health_timeout):
                response = await self._http.get(self.base_url + "/")
        except (TimeoutError, httpx.HTTPError):
            return False
        return response.status_code == 200
