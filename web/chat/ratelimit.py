"""Per-client rate limit on the chat API, using the `limits` library."""

from __future__ import annotations

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.requests import Request

from web.chat.errors import ChatError
from web.security import TrustedProxies, client_address


def too_many() -> ChatError:
    return ChatError(
        status=429,
        code="rate_limited",
        message="You are sending messages very quickly. Please wait a minute and try again.",
    )


class ClientRateLimiter:
    """A moving-window limit per client address; `check` raises ChatError(429).

    The address is the direct peer's, or the one `trusted_proxies` vouch for
    (see `web.security.TrustedProxies`); a client's own X-Forwarded-For never counts.
    """

    def __init__(
        self, rate: str, enabled: bool = True, trusted_proxies: TrustedProxies | None = None
    ) -> None:
        self.item = parse(rate)
        self.enabled = enabled
        self.proxies = trusted_proxies or TrustedProxies()
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def client_key(self, request: Request) -> str:
        return client_address(request, self.proxies)

    def check(self, request: Request) -> None:
        if self.enabled and not self._limiter.hit(self.item, "chat", self.client_key(request)):
            raise too_many()
