"""What the bot does with a message, read from Rasa's parse data.

The dialogue is rules only (data/rules/), each intent mapped to one reply, so the
parse data decides the reply: the urgent reply, an FAQ answer `faq/<key>`, the
fallback (`nlu_fallback`), or the reply of another intent (its name).
"""

from __future__ import annotations

from typing import Any, Mapping

from assistant.names import FAQ_INTENT, TRIAGE_CAUTION, TRIAGE_KEY, URGENT_INTENT

URGENT = "urgent"


def outcome(parse_data: Mapping[str, Any]) -> str:
    """`urgent`, `faq/<key>`, `nlu_fallback` or another intent's name."""
    intent = (parse_data.get("intent") or {}).get("name") or "nlu_fallback"
    if intent == URGENT_INTENT:
        return URGENT
    if intent == FAQ_INTENT:
        selector = (parse_data.get("response_selector") or {}).get(FAQ_INTENT) or {}
        key = (selector.get("response") or {}).get("intent_response_key")
        return str(key) if key else "nlu_fallback"
    return str(intent)


def topic_of(result: str) -> str:
    """`faq/car_t` -> `car_t`; other outcomes unchanged."""
    return result.split("/", 1)[1] if result.startswith(f"{FAQ_INTENT}/") else result


def cautioned(parse_data: Mapping[str, Any]) -> bool:
    """Whether the reply starts with the emergency line (the triage was not sure)."""
    triage = parse_data.get(TRIAGE_KEY) or {}
    return isinstance(triage, Mapping) and triage.get("decision") == TRIAGE_CAUTION
