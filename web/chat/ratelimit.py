"""Rate limits on the chat API, using the `limits` library: per conversation, and a larger
one per client network.

A parent's conversation (its sender id, from the parent's network) may send `rate` messages;
all conversations from one network together `ADDRESS_SHARE` times as many. So parents behind
one hospital NAT do not share one small bucket (a neighbour's noise never limits another
parent's conversation), while one client cannot get more by inventing sender ids or by
rotating addresses: an IPv6 client's network is its /64, one subscriber's usual allocation.
A client network may also start only so many conversations (`new_conversation_rate`: the
ids are issued by the gateway, `web.chat.conversation_ids`), and one conversation takes at
most `conversation_message_limit` messages (a day by default): past that it is full (409),
and the widget starts a new conversation and sends the message again, so a parent is never
stopped, while no conversation grows without end for the console and Rasa to replay.
A limited message gets a 429 whose body, like every error's, carries the emergency sentence
and the care team's contact (`web.errors`), so the parent is never left without them.
"""

from __future__ import annotations

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.requests import Request

from web.chat.errors import ChatError
from web.security import TrustedProxies, client_network

# Messages a minute one network may send, in conversations at the full per-conversation rate.
ADDRESS_SHARE = 5


SENDING_QUICKLY = "You are sending messages very quickly. Please wait a minute and try again."
NETWORK_BUSY = "Too many messages are coming from your network right now. Please wait a minute and try again."
CONVERSATION_FULL = "This conversation is very long. Please start a new one and send your message again."
MANY_CONVERSATIONS = "Too many new conversations are being started from your network. Please try again soon."


def limited(message: str, status: int = 429, code: str = "rate_limited") -> ChatError:
    """The error of a limit: 429 `rate_limited` unless told otherwise."""
    return ChatError(status=status, code=code, message=message)


def scaled(item: RateLimitItem, factor: int) -> RateLimitItem:
    """``item`` with ``factor`` times the amount, over the same window."""
    return type(item)(item.amount * factor, item.multiples)


class ClientRateLimiter:
    """`check` raises ChatError(429) past the conversation's or the network's limit.

    The address is the direct peer's, or the one `trusted_proxies` vouch for
    (see `web.security.TrustedProxies`); a client's own X-Forwarded-For never counts.
    """

    def __init__(
        self,
        rate: str,
        enabled: bool = True,
        trusted_proxies: TrustedProxies | None = None,
        new_conversations: str = "30/hour",
        conversation_length: str = "300/day",
    ) -> None:
        self.item = parse(rate)
        self.network_item = scaled(self.item, ADDRESS_SHARE)
        self.new_item = parse(new_conversations)
        self.length_item = parse(conversation_length)
        self.enabled = enabled
        self.proxies = trusted_proxies or TrustedProxies()
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def client_key(self, request: Request) -> str:
        return client_network(request, self.proxies)

    def check(self, request: Request, sender: str | None) -> None:
        """Count one message of conversation ``sender`` (None: a token the gateway did not issue,
        refused with 400 after this; such requests share one bucket), or raise ChatError(429,
        or 409 when the conversation is full) uncounted."""
        if not self.enabled:
            return
        network = self.client_key(request)
        conversation = sender or "-"
        if not self._limiter.test(self.network_item, "chat-network", network):
            raise limited(NETWORK_BUSY)
        if not self._limiter.test(self.item, "chat", network, conversation):
            raise limited(SENDING_QUICKLY)
        if sender is not None and not self._limiter.test(self.length_item, "chat-length", sender):
            raise limited(CONVERSATION_FULL, status=409, code="conversation_full")
        self._limiter.hit(self.network_item, "chat-network", network)
        self._limiter.hit(self.item, "chat", network, conversation)
        if sender is not None:
            self._limiter.hit(self.length_item, "chat-length", sender)

    def check_new_conversation(self, request: Request) -> None:
        """Count one new conversation of the client's network, or raise ChatError(429) uncounted."""
        if not self.enabled:
            return
        if not self._limiter.hit(self.new_item, "chat-new", self.client_key(request)):
            raise limited(MANY_CONVERSATIONS)
