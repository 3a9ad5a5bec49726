"""Rasa NLU component: a red-flag hit overrides any other intent.

Runs after the trained intent classifier. When the spaCy red-flag matcher
(`assistant.nlu.red_flags`) finds a symptom reported as happening now, the message's
intent becomes `report_urgent_symptom` with confidence 1.0, whatever the
classifier said, and the flags are added to the parse data as `red_flags`, so
the urgent action can tell an emergency from an urgent call.

When the trained classifier itself ranks the urgent intent first, its prediction
is kept at full confidence too, so the FallbackClassifier that follows never turns
a possible report into "please rephrase" -- unless the matcher read every sign the
message names as not happening now (negated, past and over, the parent's own
feeling, someone else's child, a hypothetical or general question). Then the
question gets its answer: the next intent of the ranking, with its confidence
given that the message is not a report (p / (1 - p_urgent)).

| matcher                          | classifier's top intent | outcome             |
|----------------------------------|-------------------------|---------------------|
| a sign reported now              | any                     | urgent              |
| signs named, none of them now    | urgent                  | next intent answers |
| no sign named                    | urgent                  | urgent              |
| otherwise                        | any other               | that intent         |
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.names import RED_FLAGS_KEY, URGENT_INTENT
from assistant.nlu.red_flags import RedFlag, assess

OTHER_INTENTS_FACTOR = 0.5


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RedFlagClassifier(GraphComponent):
    """Overrides the intent with the urgent one when a red flag is found."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"intent": URGENT_INTENT}

    @staticmethod
    def required_packages() -> List[str]:
        return ["spacy"]

    def __init__(self, config: Dict[str, Any]) -> None:
        self._intent = config["intent"]

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RedFlagClassifier:
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._process_message(message)
        return messages

    def _process_message(self, message: Message) -> None:
        doc = message.get(SPACY_DOCS[TEXT])
        if doc is None or _is_intent_command(message.get(TEXT)):
            return
        assessment = assess(doc)
        if assessment.reports:
            self._set_urgent(message, assessment.reports)
        elif (message.get(INTENT) or {}).get("name") == self._intent:
            if assessment.mentions:
                self._set_next_intent(message)
            else:
                self._force_urgent(message)

    def _set_urgent(self, message: Message, flags: List[RedFlag]) -> None:
        message.set(
            RED_FLAGS_KEY,
            [
                {"category": f.category, "text": f.text, "reason": f.reason, "emergency": f.emergency}
                for f in flags
            ],
            add_to_output=True,
        )
        self._force_urgent(message)

    def _force_urgent(self, message: Message) -> None:
        """Urgent at full confidence, every other intent halved.

        Halving keeps the ranking's order for staff and puts every other intent at least 0.5
        below the urgent one: otherwise an intent the classifier was also sure of ("can I give
        tylenol", 0.99) would sit within the FallbackClassifier's ambiguity threshold of the
        forced 1.0, and the report would get "I'm not sure I understood".
        """
        urgent = {"name": self._intent, "confidence": 1.0}
        ranking = [urgent] + [
            {**entry, "confidence": float(entry["confidence"]) * OTHER_INTENTS_FACTOR}
            for entry in (message.get(INTENT_RANKING_KEY) or [])
            if entry.get("name") != self._intent
        ]
        message.set(INTENT, urgent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    def _set_next_intent(self, message: Message) -> None:
        """The classifier's best intent other than the urgent one, renormalised without it."""
        ranking = message.get(INTENT_RANKING_KEY) or []
        urgent_confidence = next((e["confidence"] for e in ranking if e.get("name") == self._intent), 0.0)
        rest = max(1.0 - float(urgent_confidence), 1e-9)
        others = [
            {**entry, "confidence": min(1.0, float(entry["confidence"]) / rest)}
            for entry in ranking
            if entry.get("name") != self._intent
        ]
        if not others:
            return
        message.set(INTENT, others[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, others, add_to_output=True)


def _is_intent_command(text: Optional[str]) -> bool:
    """`/feedback{...}` and other button payloads are not free text."""
    return bool(text) and str(text).startswith("/")
