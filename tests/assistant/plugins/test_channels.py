"""assistant.plugins.channels.SafeRestInput, registered by Rasa's own `register` on a real Sanic
server (loopback, free port) with a fake agent in place of Rasa's: replies, the 503 on a
tracker-store failure, the 500 on an error, and the health endpoint."""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.request
import uuid
from typing import Any, Awaitable, Callable, Iterator, List, Optional, Tuple

import pytest
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic

from assistant.plugins.channels import UNAVAILABLE, SafeRestInput
from assistant.plugins.store_health import HEALTH
from launcher.stack import free_port

Handler = Callable[[UserMessage], Awaitable[None]]


class FakeAgent:
    """What `register` calls: `handle_message`; each test sets `handler`."""

    def __init__(self) -> None:
        self.handler: Optional[Handler] = None
        self.received: List[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        assert self.handler is not None
        await self.handler(message)


class Server:
    def __init__(self) -> None:
        self.agent = FakeAgent()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/webhooks/rest"
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        app = Sanic(f"test_channels_{uuid.uuid4().hex[:8]}")
        app.ctx.agent = self.agent
        register([SafeRestInput()], app, route="/webhooks/")
        server = self.loop.run_until_complete(
            app.create_server(host="127.0.0.1", port=self.port, return_asyncio_server=True)
        )
        assert server is not None
        self.server = server
        self.loop.run_until_complete(server.startup())
        self.ready.set()
        self.loop.run_forever()

    def start(self) -> None:
        self.thread.start()
        assert self.ready.wait(60), "the Sanic server did not start"

    def stop(self) -> None:
        async def close() -> None:
            self.server.close()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(15)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(15)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = Server()
    running.start()
    yield running
    running.stop()


@pytest.fixture
def agent(server: Server) -> Iterator[FakeAgent]:
    server.agent.received.clear()
    yield server.agent
    server.agent.handler = None


def request(url: str, body: Optional[dict] = None) -> Tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    call = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(call, timeout=15) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


async def echo(message: UserMessage) -> None:
    await message.output_channel.send_text_message(message.sender_id, f"echo: {message.text}")
    await message.output_channel.send_text_message(message.sender_id, "and a second message")


def test_the_channel_keeps_rasas_rest_name_and_url(server, agent):
    assert SafeRestInput.name() == "rest"
    assert request(f"{server.url}/") == (200, {"status": "ok"})


def test_a_message_gets_the_bots_messages(server, agent):
    agent.handler = echo
    status, body = request(f"{server.url}/webhook", {"sender": "parent-1", "message": "what is crs"})
    assert status == 200
    assert body == [
        {"recipient_id": "parent-1", "text": "echo: what is crs"},
        {"recipient_id": "parent-1", "text": "and a second message"},
    ]
    (message,) = agent.received
    assert (message.sender_id, message.text, message.input_channel) == ("parent-1", "what is crs", "rest")


def test_a_tracker_store_failure_during_the_message_is_a_503(server, agent, monkeypatch):
    monkeypatch.setattr(HEALTH, "failures", 0)
    monkeypatch.setattr(HEALTH, "last_error", None)

    async def store_fails(message: UserMessage) -> None:
        await echo(message)  # the bot answered, but the conversation was not saved
        HEALTH.record_failure("save", ConnectionError("could not connect to server"))

    agent.handler = store_fails
    status, body = request(f"{server.url}/webhook", {"sender": "parent-2", "message": "hello"})
    assert status == 503
    assert body == {**UNAVAILABLE, "details": ["save: ConnectionError: could not connect to server"]}
    assert HEALTH.failures == 1

    # The failure belonged to that request: the next one is answered normally.
    agent.handler = echo
    status, body = request(f"{server.url}/webhook", {"sender": "parent-2", "message": "again"})
    assert status == 200 and body[0]["text"] == "echo: again"


def test_a_failure_outside_the_request_does_not_turn_a_reply_into_an_error(server, agent, monkeypatch):
    monkeypatch.setattr(HEALTH, "failures", 0)
    HEALTH.record_failure("save", OSError("from another request"))  # not inside this request
    agent.handler = echo
    status, _ = request(f"{server.url}/webhook", {"sender": "parent-3", "message": "hi"})
    assert status == 200


def test_an_error_while_handling_is_a_500_without_details(server, agent):
    async def crash(message: UserMessage) -> None:
        raise RuntimeError("secret internals")

    agent.handler = crash
    status, body = request(f"{server.url}/webhook", {"sender": "parent-4", "message": "hi"})
    assert status == 500
    assert body == {"error": "internal_error", "message": UNAVAILABLE["message"]}


def test_health_is_200_when_the_database_answers(server, monkeypatch):
    monkeypatch.setattr(HEALTH, "ping", lambda: None)
    status, body = request(f"{server.url}/health")
    assert status == 200
    assert body["status"] == "ok" and body["tracker_store"]["reachable"] is True


def test_health_is_503_when_the_database_does_not_answer(server, monkeypatch):
    def ping() -> None:
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setattr(HEALTH, "ping", ping)
    status, body = request(f"{server.url}/health")
    assert status == 503
    assert body["status"] == "unavailable"
    assert body["tracker_store"]["reachable"] is False
    assert body["tracker_store"]["error"] == "ConnectionRefusedError: connection refused"


def test_the_webhook_accepts_only_post(server):
    status, _ = request(f"{server.url}/webhook")
    assert status == 405


def test_health_reports_unknown_reachability_without_a_ping(server, monkeypatch):
    monkeypatch.setattr(HEALTH, "ping", None)
    status, body = request(f"{server.url}/health")
    assert status == 200 and body["tracker_store"]["reachable"] is None


def test_the_blueprint_has_exactly_the_three_routes(agent):
    blueprint = SafeRestInput().blueprint(agent.handle_message)
    routes = {(route.uri, tuple(sorted(route.methods))) for route in blueprint._future_routes}
    assert routes == {("/", ("GET",)), ("/health", ("GET",)), ("/webhook", ("POST",))}
