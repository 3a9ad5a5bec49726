"""What a staff alert says, and its signature.

The body is JSON with no message text beyond the redacted first line of the parent's
message (`first_line`). It is signed like Stripe's and GitHub's webhooks: the header
``X-CRS-Signature: sha256=<hex>`` is HMAC-SHA256, keyed with CRS_URGENT_WEBHOOK_SECRET, of
``<X-CRS-Timestamp>.<body>``, so a receiver can refuse a forged body and a replayed old one
(`verify`). Standard library only: a bridge may copy this module.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

EVENT_TYPE = "crs.urgent_report"
TIMESTAMP_HEADER = "X-CRS-Timestamp"
SIGNATURE_HEADER = "X-CRS-Signature"
ALERT_ID_HEADER = "X-CRS-Alert-Id"  # the same on every retry of one alert: receivers drop repeats
SIGNATURE_PREFIX = "sha256="
TOLERANCE_SECONDS = 300  # a receiver refuses a signature older (or newer) than this
FIRST_LINE_CHARS = 140

# Why the console put the message in the urgent part of its queue (messages.is_urgent_for_staff).
REPORT = "report"  # the parent reported a worrying sign now: the urgent reply
UNSURE = "unsure"  # the triage was not sure it was only a question: the emergency line first
OTHER_LANGUAGE = "other_language"  # not answered in the family's language: the safety message
KINDS = (REPORT, UNSURE, OTHER_LANGUAGE)
KIND_TEXT = {
    REPORT: "Urgent report",
    UNSURE: "Possible urgent report",
    OTHER_LANGUAGE: "Message in another language (safety message shown)",
}
# The red-flag categories (assistant/nlu/vocabulary/symptom_categories.yml) in staff words.
CATEGORY_TEXT = {
    "breathing": "trouble breathing",
    "seizure": "seizure",
    "consciousness": "hard to wake or fainting",
    "confusion": "confusion",
    "speech": "trouble speaking",
    "heart": "heart or chest",
    "fever": "fever",
    "other": "other sign",
}


@dataclass(frozen=True)
class Alert:
    """One alert as the outbox holds it, with the redacted text it is sent with."""

    id: int
    sender_id: str
    reported_at: float
    kind: str
    level: str
    categories: tuple[str, ...]
    attempt: int
    redacted_text: str


def first_line(redacted: str) -> str:
    """The first non-blank line of the (already redacted) message, at most FIRST_LINE_CHARS."""
    line = next((part.strip() for part in redacted.splitlines() if part.strip()), "")
    line = " ".join(line.split())
    return line if len(line) <= FIRST_LINE_CHARS else line[: FIRST_LINE_CHARS - 1].rstrip() + "…"


def conversation_link(public_url: str, sender_id: str) -> str:
    return f"{public_url.rstrip('/')}/conversations/{quote(sender_id, safe='')}"


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def summary_text(alert: Alert, link: str) -> str:
    """One line a person can read in a chat channel or on a pager (no message text)."""
    signs = ", ".join(CATEGORY_TEXT.get(c, c) for c in alert.categories)
    level = " (emergency signs)" if alert.level == "emergency" else ""
    what = KIND_TEXT[alert.kind] + level + (f": {signs}" if signs else "")
    return f"{what}. CRS assistant, {_iso(alert.reported_at)}. Open the conversation: {link}"


def build(alert: Alert, public_url: str) -> dict[str, Any]:
    """The JSON body of one alert."""
    link = conversation_link(public_url, alert.sender_id)
    return {
        "type": EVENT_TYPE,
        "alert_id": alert.id,
        "attempt": alert.attempt,
        "kind": alert.kind,
        "level": alert.level,
        "categories": list(alert.categories),
        "reported_at": _iso(alert.reported_at),
        "conversation_url": link,
        "first_line": first_line(alert.redacted_text),
        "text": summary_text(alert, link),
    }


def encode(body: Mapping[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), str(timestamp).encode("ascii") + b"." + body, hashlib.sha256)
    return SIGNATURE_PREFIX + mac.hexdigest()


def headers(secret: str, alert_id: int, body: bytes, now: float | None = None) -> dict[str, str]:
    timestamp = int(time.time() if now is None else now)
    return {
        "Content-Type": "application/json; charset=utf-8",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
        ALERT_ID_HEADER: str(alert_id),
        "User-Agent": "crs-assistant-alerts/1",
    }


def verify(secret: str, timestamp: str, signed: str, body: bytes, now: float | None = None) -> bool:
    """Whether ``signed`` is this body's signature at ``timestamp``, made within TOLERANCE_SECONDS."""
    if not timestamp.isascii() or not timestamp.isdigit():
        return False
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(signature(secret, int(timestamp), body), signed)


def categories_of(parse_data: Mapping[str, Any], red_flags_key: str, known: Sequence[str]) -> tuple[str, ...]:
    """The red-flag categories the bot found, known names only (never the words it matched)."""
    found: list[str] = []
    for flag in parse_data.get(red_flags_key) or []:
        category = flag.get("category") if isinstance(flag, Mapping) else None
        if category in known and category not in found:
            found.append(str(category))
    return tuple(found)
