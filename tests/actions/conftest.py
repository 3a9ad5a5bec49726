"""Hand-built trackers and a dispatcher, as in RasaHQ/rasa-action-examples."""

from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def make_tracker(
    intent: str = "faq",
    text: str = "hello",
    entities: Optional[List[Dict[str, Any]]] = None,
    extra: Optional[Dict[str, Any]] = None,
) -> Tracker:
    latest = {
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        "text": text,
        **(extra or {}),
    }
    return Tracker(
        sender_id="test-sender",
        slots={},
        latest_message=latest,
        events=[{"event": "user", "text": text, "parse_data": latest}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()
