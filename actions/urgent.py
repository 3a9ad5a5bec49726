"""action_respond_urgent: the immediate reply to a report of something worrying now."""

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.logic import urgent_level, urgent_reply
from assistant.settings import get_settings


class ActionRespondUrgent(Action):
    def name(self) -> str:
        return "action_respond_urgent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        reply = urgent_reply(urgent_level(tracker.latest_message), get_settings())
        dispatcher.utter_message(**reply)
        return []
