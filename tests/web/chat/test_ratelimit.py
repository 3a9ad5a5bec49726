import pytest
from starlette.requests import Request

from web.chat.errors import ChatError
from web.chat.ratelimit import ClientRateLimiter


def _request(host: str, forwarded: str = "") -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return Request({"type": "http", "client": (host, 1234), "headers": headers})


def test_limit_per_client() -> None:
    limiter = ClientRateLimiter("3/minute")
    for _ in range(3):
        limiter.check(_request("10.0.0.1"))
    with pytest.raises(ChatError) as info:
        limiter.check(_request("10.0.0.1"))
    assert info.value.status == 429
    limiter.check(_request("10.0.0.2"))


def test_disabled_limiter_never_limits() -> None:
    limiter = ClientRateLimiter("1/minute", enabled=False)
    for _ in range(5):
        limiter.check(_request("10.0.0.1"))


def test_forwarded_header_only_when_trusted() -> None:
    assert ClientRateLimiter("1/minute").client_key(_request("1.1.1.1", "9.9.9.9")) == "1.1.1.1"
    trusted = ClientRateLimiter("1/minute", trust_proxy=True)
    assert trusted.client_key(_request("1.1.1.1", "9.9.9.9, 1.1.1.1")) == "9.9.9.9"
