"""Rasa NLU component: the triage decision, made after every classifier has spoken.

Runs after the trained intent classifier and the triage model (`TriageClassifier`), before
the FallbackClassifier. It reads the spaCy red-flag matcher (`assistant.nlu.red_flags`),
the triage model's P(report) and the classifier's top intent, and decides with
`assistant.nlu.triage.decide` (the table there):

- `urgent`: the intent becomes `report_urgent_symptom` at full confidence (every other intent
  halved), and the matcher's flags go into the parse data as `red_flags`, so the urgent reply
  can tell an emergency from an urgent call;
- `caution` (the signals disagree, or none is sure): the best intent other than the urgent one
  answers, and `triage.decision` tells the response generator to put the emergency line first;
- `calm`: the best intent other than the urgent one answers.

When the classifier ranked the urgent intent first but the decision is not urgent, the next
intent of the ranking answers, with its confidence given that the message is not a report
(p / (1 - p_urgent)).
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

from assistant.names import RED_FLAGS_KEY, TRIAGE_KEY, TRIAGE_URGENT, URGENT_INTENT
from assistant.nlu.red_flags import RedFlag, assess
from assistant.nlu.triage import OperatingPoints, Signals, decide

OTHER_INTENTS_FACTOR = 0.5


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RedFlagClassifier(GraphComponent):
    """Overrides the intent with the urgent one when a red flag is found."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        # P(report) thresholds; config.yml sets the ones `python -m evaluation.choose_triage` chose.
        return {
            "intent": URGENT_INTENT,
            "caution_threshold": 0.2,
            "urgent_threshold": 0.9,
            "veto_threshold": 0.02,
        }

    @staticmethod
    def required_packages() -> List[str]:
        return ["spacy"]

    def __init__(self, config: Dict[str, Any]) -> None:
        self._intent = config["intent"]
        self._points = OperatingPoints(
            caution=float(config["caution_threshold"]),
            urgent=float(config["urgent_threshold"]),
            veto=float(config["veto_threshold"]),
        )

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
        triage = message.get(TRIAGE_KEY) or {}
        probability = triage.get("probability")
        classifier_urgent = (message.get(INTENT) or {}).get("name") == self._intent
        signals = Signals(
            matcher_reports=bool(assessment.reports),
            matcher_mentions=bool(assessment.mentions),
            classifier_urgent=classifier_urgent,
            probability=float(probability) if probability is not None else None,
        )
        decision = decide(signals, self._points)
        if assessment.reports:
            self._set_flags(message, assessment.reports)
        if decision == TRIAGE_URGENT:
            self._force_urgent(message)
        elif classifier_urgent:
            self._set_next_intent(message)
        message.set(TRIAGE_KEY, {**triage, "decision": decision}, add_to_output=True)

    def _set_flags(self, message: Message, flags: List[RedFlag]) -> None:
        message.set(
            RED_FLAGS_KEY,
            [
                {"category": f.category, "text": f.text, "reason": f.reason, "emergency": f.emergency}
                for f in flags
            ],
            add_to_output=True,
        )

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
