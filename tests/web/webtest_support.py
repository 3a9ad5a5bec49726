"""Helpers for the web tests: ASGI apps served by uvicorn in a thread, and a stub Rasa."""

from __future__ import annotations

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import anyio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from web import serve


class ServerThread:
    """Runs an ASGI app with uvicorn on 127.0.0.1 in a background thread, configured as the
    gateway is served (`web.serve`: uvicorn's proxy headers off); ``options``: uvicorn's."""

    def __init__(self, app: ASGIApp, **options: Any) -> None:
        options = {"log_level": "warning", "lifespan": "on", **options}
        config = serve.config(app, host="127.0.0.1", port=0, **options)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.port = 0

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def closed_port_url() -> str:
    """A loopback URL where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


CARE = "Please contact your child's care team."

# Related-topic buttons as Rasa's `utter_faq/*` responses carry them: a question text or
# a `/faq/<key>` payload. The gateway must pass these on unchanged...
RELATED_BUTTONS = [
    {"title": "What are the signs of CRS?", "payload": "/faq/symptoms_general"},
    {"title": "How is CRS treated?", "payload": "How is CRS treated?"},
]
# ...and drop these: markup in a title, Rasa's own intents, an entity payload, an unknown key.
UNSAFE_BUTTONS = [
    {"title": '<img src=x onerror="window.__xss=3">', "payload": "what is crs"},
    {"title": "Start again", "payload": "/restart"},
    {"title": "Rate it", "payload": '/feedback{"feedback_value":"up"}'},
    {"title": "Unknown topic", "payload": "/faq/not_a_topic"},
]


def stub_answer(message: str) -> list[dict[str, Any]]:
    """What the stub bot says: mimics the shapes Rasa's REST channel returns."""
    lowered = message.lower()
    if lowered.startswith("/feedback"):
        return [{"text": f"Thank you for your feedback. {CARE}"}]
    if lowered.startswith("/faq/"):
        return [{"text": f"An answer about {message[5:]}. {CARE}", "buttons": RELATED_BUTTONS}]
    if "related" in lowered:
        buttons = RELATED_BUTTONS + UNSAFE_BUTTONS
        return [{"text": f"An answer with related topics. {CARE}", "buttons": buttons}]
    if "emergency" in lowered or "not breathing" in lowered:
        return [
            {"text": f"This sounds urgent. Call emergency services now. {CARE}"},
            {"custom": {"urgent": True, "level": "emergency"}},
        ]
    if "fever now" in lowered:
        return [
            {"text": f"Contact the care team right away. {CARE}"},
            {"custom": {"urgent": True, "level": "urgent"}},
        ]
    if "options" in lowered:
        return [
            {
                "text": f"Did you mean one of these? {CARE}",
                "buttons": [
                    {"title": "What is CRS?", "payload": "what is crs"},
                    {
                        "title": "How long does it last?",
                        "payload": "how long does crs last",
                    },
                ],
            }
        ]
    if "link" in lowered:
        return [{"text": f"Read more at https://example.org/crs. {CARE}"}]
    return [{"text": f"You asked: {message}\n{CARE}"}]


@dataclass
class StubRasa:
    """A stand-in for Rasa's REST webhook. `mode`: normal, slow, error, garbage, down, empty."""

    mode: str = "normal"
    delay_seconds: float = 5.0
    received: list[dict[str, Any]] = field(default_factory=list)

    def app(self) -> Starlette:
        async def root(request: Request) -> Response:
            if self.mode == "down":
                return PlainTextResponse("unavailable", status_code=503)
            return PlainTextResponse("Hello from Rasa: 3.6.21")

        async def webhook(request: Request) -> Response:
            body = await request.json()
            self.received.append(body)
            if self.mode == "slow":
                await anyio.sleep(self.delay_seconds)
            if self.mode in ("error", "down"):
                return PlainTextResponse("boom", status_code=500)
            if self.mode == "garbage":
                return PlainTextResponse("<html>not json</html>")
            if self.mode == "empty":  # Rasa answered nothing (e.g. a custom action failed)
                return JSONResponse([])
            answer = stub_answer(body["message"])
            return JSONResponse([{"recipient_id": body["sender"], **m} for m in answer])

        return Starlette(
            routes=[
                Route("/", root),
                Route("/webhooks/rest/webhook", webhook, methods=["POST"]),
            ]
        )


def run_async(fn: Any, *args: Any) -> Any:
    """Run an async function to completion in a fresh thread, so it works even while
    Playwright's sync API holds an event loop in the test thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(anyio.run, fn, *args).result()
