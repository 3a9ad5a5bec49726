"""action_default_ask_affirmation: first stage of the two-stage fallback.

Rasa's default asks "Did you mean 'faq'?"; this one offers the closest FAQ topics
as quick-reply buttons instead. Tapping one asks that topic's question.
"""

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.logic import closest_topics, topic_buttons


class ActionDefaultAskAffirmation(Action):
    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        buttons = topic_buttons(closest_topics(tracker.latest_message))
        dispatcher.utter_message(response="utter_ask_affirmation", buttons=buttons)
        return []
