from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from conftest import IDS, gateway_settings
from starlette.requests import Request
from starlette.testclient import TestClient
from webtest_support import closed_port_url

from web.app import create_app
from web.chat.errors import ChatError
from web.chat.ratelimit import ADDRESS_SHARE, ClientRateLimiter
from web.security import network_key

CLIENT = "198.51.100.7"
PROXY = "10.0.0.1"
EDGE = "10.0.0.2"


def _request(host: str, forwarded: str = "") -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return Request({"type": "http", "client": (host, 1234), "headers": headers})


def test_limit_per_conversation() -> None:
    limiter = ClientRateLimiter("3/minute")
    for _ in range(3):
        limiter.check(_request("10.0.0.1"), "parent-0001")
    with pytest.raises(ChatError) as info:
        limiter.check(_request("10.0.0.1"), "parent-0001")
    assert info.value.status == 429
    limiter.check(_request("10.0.0.2"), "parent-0001")


def test_disabled_limiter_never_limits() -> None:
    limiter = ClientRateLimiter("1/minute", enabled=False)
    for _ in range(5):
        limiter.check(_request("10.0.0.1"), "parent-0001")


TOKEN = IDS.issue()


@contextmanager
def _gateway(peer: str, **settings: object) -> Iterator[TestClient]:
    """A gateway limited to 3 messages a minute, seen from ``peer``."""
    limited = {"rate_limit": "3/minute", "rate_limit_enabled": True}
    app = create_app(gateway_settings(rasa_url=closed_port_url(), **limited, **settings))
    with TestClient(app, client=(peer, 40000)) as http:
        yield http


def _limited(http: TestClient, forwarded: str | None = None) -> bool:
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    body = {"sender": TOKEN, "message": "hi"}
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


def _allowed(limiter: ClientRateLimiter, host: str, sender: str) -> bool:
    try:
        limiter.check(_request(host), sender)
    except ChatError:
        return False
    return True


def test_parents_behind_one_nat_each_keep_their_own_limit() -> None:
    # A neighbour on the hospital's network uses up their conversation's limit...
    limiter = ClientRateLimiter("3/minute")
    assert [_allowed(limiter, CLIENT, "neighbour-01") for _ in range(5)] == [True] * 3 + [False] * 2
    # ...and another parent's report from the same address still goes through.
    assert _allowed(limiter, CLIENT, "parent-0002")


def test_one_network_cannot_multiply_its_limit_with_new_conversation_ids() -> None:
    limiter = ClientRateLimiter("3/minute")
    verdicts = [_allowed(limiter, CLIENT, f"sender-{n:04d}") for n in range(40)]
    assert sum(verdicts) == 3 * ADDRESS_SHARE and verdicts[: 3 * ADDRESS_SHARE] == [True] * 15
    assert _allowed(limiter, "198.51.100.8", "sender-0000")  # another network is not affected


def test_a_refused_message_is_not_counted() -> None:
    limiter = ClientRateLimiter("3/minute")
    for _ in range(10):
        _allowed(limiter, CLIENT, "flooder-0001")
    # The flood's refused messages did not use up the network's share: 4 more conversations fit.
    assert all(_allowed(limiter, CLIENT, f"parent-{n:04d}") for n in range(4) for _ in range(3))


def test_an_ipv6_client_is_its_64() -> None:
    limiter = ClientRateLimiter("3/minute")
    rotated = [f"2001:db8:1:2:{n:x}::1" for n in range(3 * ADDRESS_SHARE + 5)]
    verdicts = [_allowed(limiter, host, f"sender-{n:04d}") for n, host in enumerate(rotated)]
    assert sum(verdicts) == 3 * ADDRESS_SHARE
    assert _allowed(limiter, "2001:db8:1:3::1", "sender-0000")  # the next /64 is someone else


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),  # an IPv4 client seen through IPv6
        ("not an address", "not an address"),
    ],
)
def test_network_key(address: str, key: str) -> None:
    assert network_key(address) == key
