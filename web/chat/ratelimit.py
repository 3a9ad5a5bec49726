"""Rate limits on the chat API, using the `limits` library: per conversation, and a larger
one per client network.

A parent's conversation (its sender id, from the parent's network) may send `rate` messages;
all conversations from one network together `ADDRESS_SHARE` times as many. So parents behind
one hospital NAT do not share one small bucket (a neighbour's noise never limits another
parent's conversation), while one client cannot get more by inventing sender ids or by
rotating addresses: an IPv6 client's network is its /64, one subscriber's usual allocation.
A limited message gets a 429 whose body, like every error's, carries the emergency sentence
and the care team's contact (`web.errors`), so the parent is never left without them.
"""

from __future__ import annotations

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.requests import Request

from web.chat.errors import ChatError
from web.chat.validation import SENDER_ID
from web.security import TrustedProxies, client_network

# Messages a minute one network may send, in conversations at the full per-conversation rate.
ADDRESS_SHARE = 5


def too_many() -> ChatError:
    return ChatError(
        status=429,
        code="rate_limited",
        message="You are sending messages very quickly. Please wait a minute and try again.",
    )


def too_many_from_network() -> ChatError:
    return ChatError(
        status=429,
        code="rate_limited",
        message=(
            "Too many messages are coming from your network right now. Please wait a minute and try again."
        ),
    )


def scaled(item: RateLimitItem, factor: int) -> RateLimitItem:
    """``item`` with ``factor`` times the amount, over the same window."""
    return type(item)(item.amount * factor, item.multiples)


class ClientRateLimiter:
    """`check` raises ChatError(429) past the conversation's or the network's limit.

    The address is the direct peer's, or the one `trusted_proxies` vouch for
    (see `web.security.TrustedProxies`); a client's own X-Forwarded-For never counts.
    """

    def __init__(
        self, rate: str, enabled: bool = True, trusted_proxies: TrustedProxies | None = None
    ) -> None:
        self.item = parse(rate)
        self.network_item = scaled(self.item, ADDRESS_SHARE)
        self.enabled = enabled
        self.proxies = trusted_proxies or TrustedProxies()
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def client_key(self, request: Request) -> str:
        return client_network(request, self.proxies)

    def check(self, request: Request, sender: str) -> None:
        """Count one message of conversation ``sender``, or raise ChatError(429) uncounted."""
        if not self.enabled:
            return
        network = self.client_key(request)
        # An invalid id is refused with 400 after this; such requests share one bucket.
        conversation = sender if SENDER_ID.fullmatch(sender) else "-"
        if not self._limiter.test(self.network_item, "chat-network", network):
            raise too_many_from_network()
        if not self._limiter.test(self.item, "chat", network, conversation):
            raise too_many()
        self._limiter.hit(self.network_item, "chat-network", network)
        self._limiter.hit(self.item, "chat", network, conversation)
