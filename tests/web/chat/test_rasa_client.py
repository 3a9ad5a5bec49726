import time

import pytest
from webtest_support import StubRasa, closed_port_url, run_async

from web.chat.errors import ChatError
from web.chat.rasa_client import RasaClient


def _send(url: str, timeout: float = 1.0, message: str = "what is crs") -> object:
    async def go() -> object:
        client = RasaClient(url, timeout, 1.0)
        try:
            return await client.send("sender-123", message, {"k": "v"})
        finally:
            await client.aclose()

    return run_async(go)


def _is_up(url: str) -> bool:
    async def go() -> bool:
        client = RasaClient(url, 1.0, 1.0)
        try:
            return await client.is_up()
        finally:
            await client.aclose()

    return run_async(go)


def test_posts_to_the_rest_webhook(stub_rasa: StubRasa) -> None:
    answer = _send(stub_rasa.url)  # type: ignore[attr-defined]
    assert isinstance(answer, list) and "care team" in answer[0]["text"]
    assert stub_rasa.received == [{"sender": "sender-123", "message": "what is crs", "metadata": {"k": "v"}}]


def test_slow_rasa_times_out_within_the_bound(stub_rasa: StubRasa) -> None:
    stub_rasa.mode = "slow"
    started = time.monotonic()
    with pytest.raises(ChatError) as info:
        _send(stub_rasa.url, timeout=0.5)  # type: ignore[attr-defined]
    assert info.value.status == 504
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("mode", ["error", "garbage"])
def test_broken_rasa_is_unavailable(stub_rasa: StubRasa, mode: str) -> None:
    stub_rasa.mode = mode
    with pytest.raises(ChatError) as info:
        _send(stub_rasa.url)  # type: ignore[attr-defined]
    assert info.value.status == 503


def test_down_rasa_is_unavailable() -> None:
    with pytest.raises(ChatError) as info:
        _send(closed_port_url())
    assert info.value.code == "assistant_unavailable"


def test_health(stub_rasa: StubRasa) -> None:
    assert _is_up(stub_rasa.url)  # type: ignore[attr-defined]
    assert not _is_up(closed_port_url())
