"""Conversation tokens the gateway issues to a widget, and the Rasa sender id behind each.

A widget starts a conversation with ``POST /api/conversations`` and sends the token it gets
with every message. The token is ``<nonce>.<tag>``: 18 random bytes, and an HMAC-SHA256 of
them under the gateway's secret (``CRS_CONVERSATION_SECRET``), both base64url. So a client
cannot choose an id (``aaaaaaaa`` is refused), and a flood of fresh conversations must go
through the issuing route, which is rate-limited per client network (`web.chat.ratelimit`).

Rasa, the console and the logs see only the sender id derived from the token (a SHA-256 of
its nonce): a member of staff who reads a conversation id in the console, or anyone who
reads a log line, cannot write into that parent's conversation with it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from web.chat.errors import ChatError, bad_request

NONCE_BYTES = 18
TAG_BYTES = 16
# 24 base64url characters of nonce, a dot, 22 of tag.
TOKEN = re.compile(r"[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{22}")
SENDER_PREFIX = "c-"
MIN_SECRET_CHARS = 32


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def invalid_conversation() -> ChatError:
    return bad_request(
        "invalid_conversation",
        "This conversation has ended. A new one will start when you send your message again.",
    )


class ConversationIds:
    """Issues tokens and maps a token to its Rasa sender id (None for a token it did not issue)."""

    def __init__(self, secret: str) -> None:
        if len(secret) < MIN_SECRET_CHARS:
            raise ValueError(f"the conversation secret must have at least {MIN_SECRET_CHARS} characters")
        self._key = secret.encode("utf-8")

    @classmethod
    def ephemeral(cls) -> ConversationIds:
        """Ids under a random secret: valid until this process stops."""
        return cls(secrets.token_urlsafe(32))

    def _tag(self, nonce: str) -> str:
        digest = hmac.new(self._key, b"crs-conversation:" + nonce.encode("ascii"), hashlib.sha256).digest()
        return _b64(digest[:TAG_BYTES])

    def issue(self) -> str:
        nonce = _b64(secrets.token_bytes(NONCE_BYTES))
        return f"{nonce}.{self._tag(nonce)}"

    def sender_of(self, token: object) -> str | None:
        """The sender id of a token this gateway issued, else None (never raises)."""
        if not isinstance(token, str) or not TOKEN.fullmatch(token):
            return None
        nonce, tag = token.split(".")
        if not hmac.compare_digest(tag, self._tag(nonce)):
            return None
        return sender_id(nonce)

    def open(self, token: str) -> str:
        """The sender id of ``token``, or ChatError(400, invalid_conversation)."""
        sender = self.sender_of(token)
        if sender is None:
            raise invalid_conversation()
        return sender


def sender_id(nonce: str) -> str:
    """What Rasa stores for the conversation of ``nonce``: not the token, and no way back to it."""
    return SENDER_PREFIX + hashlib.sha256(b"crs-sender:" + nonce.encode("ascii")).hexdigest()[:32]
