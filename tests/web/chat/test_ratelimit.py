from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from conftest import gateway_settings
from starlette.requests import Request
from starlette.testclient import TestClient
from webtest_support import closed_port_url

from web.app import create_app
from web.chat.errors import ChatError
from web.chat.ratelimit import ClientRateLimiter

CLIENT = "198.51.100.7"
PROXY = "10.0.0.1"
EDGE = "10.0.0.2"


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


@contextmanager
def _gateway(peer: str, **settings: object) -> Iterator[TestClient]:
    """A gateway limited to 3 messages a minute, seen from ``peer``."""
    limited = {"rate_limit": "3/minute", "rate_limit_enabled": True}
    app = create_app(gateway_settings(rasa_url=closed_port_url(), **limited, **settings))
    with TestClient(app, client=(peer, 40000)) as http:
        yield http


def _limited(http: TestClient, forwarded: str | None = None) -> bool:
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    body = {"sender": "parent-0001", "message": "hi"}
    return http.post("/api/chat", json=body, headers=headers).status_code == 429


def test_spoofed_forwarded_for_is_ignored_without_a_trusted_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # CRS_TRUST_PROXY_HEADERS=true (as old deployments set it) no longer trusts anything.
    monkeypatch.setenv("CRS_TRUST_PROXY_HEADERS", "true")
    with _gateway(CLIENT, trust_proxy_headers=True) as http:
        verdicts = [_limited(http, f"203.0.113.{n}") for n in range(6)]
    assert verdicts == [False, False, False, True, True, True]


def test_behind_one_trusted_proxy_each_client_has_its_own_limit() -> None:
    with _gateway(PROXY, trusted_proxies=PROXY) as http:
        assert [_limited(http, CLIENT) for _ in range(4)] == [False, False, False, True]
        assert not _limited(http, "198.51.100.8")


def test_behind_two_trusted_proxies_the_client_is_the_address_they_added() -> None:
    with _gateway(EDGE, trusted_proxies=f"{PROXY} {EDGE}") as http:
        chain = f"{CLIENT}, {PROXY}"
        assert [_limited(http, chain) for _ in range(4)] == [False, False, False, True]
        assert not _limited(http, f"198.51.100.8, {PROXY}")


def test_a_fake_address_prepended_by_the_client_is_ignored() -> None:
    # trust_proxy_headers=True as deployments set it: removed, so it changes nothing.
    with _gateway(PROXY, trusted_proxies="10.0.0.0/8", trust_proxy_headers=True) as http:
        verdicts = [_limited(http, f"203.0.113.{n}, {CLIENT}") for n in range(5)]
    assert verdicts == [False, False, False, True, True]
