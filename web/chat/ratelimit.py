"""Per-client rate limit on the chat API, using the `limits` library."""

from __future__ import annotations

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.requests import Request

from web.chat.errors import ChatError


def too_many() -> ChatError:
    return ChatError(
        status=429,
        code="rate_limited",
        message="You are sending messages very quickly. Please wait a minute and try again.",
    )


class ClientRateLimiter:
    """A moving-window limit per client address; `check` raises ChatError(429)."""

    def __init__(self, rate: str, enabled: bool = True, trust_proxy: bool = False) -> None:
        self.item = parse(rate)
        self.enabled = enabled
        self.trust_proxy = trust_proxy
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def client_key(self, request: Request) -> str:
        if self.trust_proxy:
            forwarded = request.headers.get("x-forwarded-for", "")
            first = forwarded.split(",")[0].strip()
            if first:
                return first
        return request.client.host if request.client else "unknown"

    def check(self, request: Request) -> None:
        if self.enabled and not self._limiter.hit(self.item, "chat", self.client_key(request)):
            raise too_many()
