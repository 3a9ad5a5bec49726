"""Rasa's REST channel, answering with an error when a conversation was not stored.

Named `rest`, so the URL stays `/webhooks/rest/webhook` and clients see no change
while the database is up. When the tracker store failed during a message (see
`assistant.plugins.tracker_store`), the reply is HTTP 503 with a JSON error instead of
the bot's answer, so the gateway shows its error state with the care-team
contact, and nothing pretends to be remembered. `GET /webhooks/rest/health`
reports the tracker store (200 when the database answers, else 503), for load
balancers, Kubernetes probes and people.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.plugins.store_health import HEALTH, begin_request

logger = logging.getLogger(__name__)
UNAVAILABLE = {
    "error": "tracker_store_unavailable",
    "message": "The assistant could not save this conversation. Please try again in a moment.",
}


class SafeRestInput(RestInput):
    """`RestInput` (non-streaming) that never hides a tracker-store failure."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def status(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/health", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            report = HEALTH.check()
            return response.json(report, status=200 if report["status"] == "ok" else 503)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sender_id = await self._extract_sender(request)
            text = self._extract_message(request)
            collector = CollectingOutputChannel()
            failures = begin_request()
            try:
                await on_new_message(
                    UserMessage(
                        text,
                        collector,
                        sender_id,
                        input_channel=self._extract_input_channel(request),
                        metadata=self.get_metadata(request),
                    )
                )
            except Exception:  # noqa: BLE001 - Rasa's REST channel also logs and answers
                logger.exception("Message of %s could not be handled", sender_id)
                error = {"error": "internal_error", "message": UNAVAILABLE["message"]}
                return response.json(error, status=500)
            if failures:
                logger.error("Answering %s with 503: tracker store failed: %s", sender_id, failures)
                return response.json({**UNAVAILABLE, "details": failures}, status=503)
            return response.json(collector.messages)

        return webhook
