"""Plain functions behind the custom actions: what to say, decided from the tracker data."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence

from assistant.names import FEEDBACK_ENTITY, FEEDBACK_VALUES
from assistant.topics import RETRIEVAL_INTENT, TOPIC_TITLES, topic_title

DEFAULT_TOPICS = ("what_is_crs", "symptoms_general", "when_to_call")
MAX_TOPIC_BUTTONS = 3
MIN_TOPIC_CONFIDENCE = 0.05


def feedback_value(entities: Sequence[Mapping[str, Any]]) -> Optional[str]:
    """The up/down value of the latest feedback message, if it carried one."""
    for entity in entities:
        if entity.get("entity") == FEEDBACK_ENTITY and entity.get("value") in FEEDBACK_VALUES:
            return str(entity["value"])
    return None


def feedback_response(value: Optional[str]) -> str:
    return "utter_feedback_down" if value == "down" else "utter_feedback_up"


def closest_topics(parse_data: Mapping[str, Any], limit: int = MAX_TOPIC_BUTTONS) -> List[str]:
    """The FAQ topics the FAQ selector ranked highest for a message it was unsure of."""
    selector = (parse_data.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    topics: List[str] = []
    for entry in selector.get("ranking") or []:
        key = str(entry.get("intent_response_key", "")).split("/", 1)[-1]
        if key in TOPIC_TITLES and key not in topics and entry.get("confidence", 0) >= MIN_TOPIC_CONFIDENCE:
            topics.append(key)
        if len(topics) == limit:
            break
    return topics or list(DEFAULT_TOPICS[:limit])


def topic_buttons(topics: Sequence[str]) -> List[Dict[str, str]]:
    """Quick-reply buttons whose payload is the topic's question, so tapping one asks it."""
    return [{"title": topic_title(key), "payload": topic_title(key)} for key in topics]
