"""Rasa NLU component: a message in another language gets the other-language reply.

Runs last in the pipeline, after the FallbackClassifier: every message that is not in
English (`assistant.nlu.language_id`, mixed ones included when in doubt) gets the intent
`other_language` at full confidence, whatever the English classifiers made of it, and its
language under `language` in the parse data. The rule for that intent answers with the fixed
safety message in that language (`languages/safety_messages.yml`, rendered by the response
generator), then the same in English with the emergency number.

An English message that the English classifier took for `other_language` gets the next
intent of its ranking instead. The red flags and the triage decision stay in the parse data
for staff. With the file's `enabled: false`, nothing changes here and non-English messages
go the English way.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.names import LANGUAGE_KEY, OTHER_LANGUAGE_INTENT
from assistant.nlu.language_id import shared_identifier
from assistant.safety_messages import load_safety_messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LanguageClassifier(GraphComponent):
    """Sets `other_language` for a message that is not in English."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"intent": OTHER_LANGUAGE_INTENT}

    @staticmethod
    def required_packages() -> List[str]:
        return ["py3langid"]

    def __init__(self, config: Dict[str, Any], enabled: bool) -> None:
        self._intent = config["intent"]
        self._enabled = enabled

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageClassifier:
        enabled = load_safety_messages().enabled
        if enabled:
            shared_identifier()  # load and check the model now, not on a parent's first message
        return cls(config, enabled)

    def process(self, messages: List[Message]) -> List[Message]:
        if not self._enabled:
            return messages
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip() or text.startswith("/"):
                continue
            guess = shared_identifier().guess(text)
            message.set(
                LANGUAGE_KEY,
                {"code": guess.language, "confidence": round(guess.confidence, 4)},
                add_to_output=True,
            )
            others = [e for e in (message.get(INTENT_RANKING_KEY) or []) if e.get("name") != self._intent]
            if guess.other_language:
                top = {"name": self._intent, "confidence": 1.0}
                message.set(INTENT, top, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [top] + others, add_to_output=True)
            elif (message.get(INTENT) or {}).get("name") == self._intent and others:
                # English after all: the English classifier's next intent answers.
                message.set(INTENT, others[0], add_to_output=True)
                message.set(INTENT_RANKING_KEY, others, add_to_output=True)
        return messages
