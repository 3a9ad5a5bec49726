"""Rasa policy: the FAQ answers of a turn that depends on context or asks two things.

Thin: the decision is `assistant.faq_context.answer_plan`, read from the latest message's
parse data and the topic of the bot's previous answer (the `utter_action` Rasa records on
each bot message). When the plan is not None, the policy predicts its replies one after
the other (`utter_faq/<key>`, each a response of the domain), then `action_listen`; when
it is None, it predicts nothing and the rules answer. Its priority is above the rules', so
it wins only the turns it claims; it never claims a report (`report_urgent_symptom` and
every intent but the FAQ ones are left to the rules), so the urgent path is unchanged.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.faq_context import answer_plan, last_answer_text, last_topic, related_topics

# Rasa's RulePolicy has priority 6: on a tie at confidence 1.0 this policy wins.
DEFAULT_PRIORITY = 7


def replies_this_turn(tracker: DialogueStateTracker) -> int:
    """Actions run since the latest user message, not counting Rasa's slot extraction."""
    count = 0
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return count
        if isinstance(event, ActionExecuted) and event.action_name not in (None, "action_extract_slots"):
            count += 1
    return count


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class FaqContextPolicy(Policy):
    """Two answers for two questions; a follow-up answered in the last topic's context."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"priority": DEFAULT_PRIORITY}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._related: Optional[Tuple[int, Dict[str, Tuple[str, ...]]]] = None

    def train(
        self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        return self._resource  # nothing to learn: the related-topic map is the domain's

    def _related_map(self, domain: Domain) -> Dict[str, Tuple[str, ...]]:
        if self._related is None or self._related[0] != id(domain):
            self._related = (id(domain), related_topics(domain.responses))
        return self._related[1]

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[str, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        message = tracker.latest_message
        if message is None or tracker.active_loop_name:
            return self._prediction(probabilities)
        events = tracker.events
        plan = answer_plan(
            message.parse_data, last_topic(events), self._related_map(domain), last_answer_text(events)
        )
        if plan is None:
            return self._prediction(probabilities)
        done = replies_this_turn(tracker)
        steps = [*plan, ACTION_LISTEN_NAME]
        if done < len(steps) and steps[done] in domain.action_names_or_texts:
            probabilities[domain.index_for_action(steps[done])] = 1.0
        return self._prediction(probabilities)
