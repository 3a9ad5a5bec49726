"""action_record_feedback: keeps a thumbs up/down in the conversation for staff review."""

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.logic import FEEDBACK_ENTITY, feedback_response, feedback_value


class ActionRecordFeedback(Action):
    def name(self) -> str:
        return "action_record_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        value = feedback_value(tracker.latest_message.get("entities") or [])
        dispatcher.utter_message(response=feedback_response(value))
        return [SlotSet(FEEDBACK_ENTITY, value)]
