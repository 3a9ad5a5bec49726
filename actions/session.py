"""action_session_start: fills the care-team and emergency slots from the settings."""

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.logic import contact_slots
from assistant.settings import get_settings


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        slots = [SlotSet(name, value) for name, value in contact_slots(get_settings()).items()]
        return [SessionStarted(), *slots, ActionExecuted("action_listen")]
