"""Rasa's RulePolicy, reading only the states its rules can match.

Rasa's RulePolicy builds a state for every action of the whole session before each
prediction (`tracker.past_states`), then compares the last few with its rules: at turn 300
of one conversation that was 15 ms a prediction, against 1 ms at turn 10. A rule of `n`
states only ever looks at the last `n` states of the conversation (`RulePolicy.
_is_rule_applicable` accepts every rule once it has walked past the rule's length), so
this subclass builds just the last `longest rule + 1` states, by the same code Rasa uses
for each (`Domain.get_active_state`, `_clean_state`). The `+ 1` keeps the key of "no rule
matched" (`_create_feature_key`) from ever equalling a rule's key, as with the full history.

The predictions are Rasa's own: `tests/assistant/policies/test_windowed_rule_policy.py`
compares both policies on every conversation test and on long generated sessions.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker


def recent_states(tracker: DialogueStateTracker, domain: Domain, count: int) -> List[State]:
    """The last `count` states of `tracker.past_states(domain)`, without building the others.

    `past_states` makes one state before each `ActionExecuted` of the applied events and
    one after the last event; the tracker is replayed to each of the last `count` of those
    points (a replay is cheap; building a state is what grows with the session).
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    events = tracker.applied_events()
    boundaries = [index for index, event in enumerate(events) if isinstance(event, ActionExecuted)]
    kept = boundaries[max(0, len(boundaries) - (count - 1)) :] if count > 1 else []
    prior = tracker.init_copy()
    position = 0
    states: List[State] = []
    for boundary in [*kept, len(events)]:
        _replay(prior, events[position:boundary])
        position = boundary
        states.append(domain._clean_state(domain.get_active_state(prior)))
    return states


def _replay(tracker: DialogueStateTracker, events: Iterable[Any]) -> None:
    for event in events:
        tracker.update(event)


def longest_rule(lookup: Dict[str, Any]) -> int:
    """The number of states of the longest rule (and unhappy-loop rule) in `lookup`."""
    lengths = [
        len(RulePolicy._rule_key_to_state(key))
        for table in (RULES, RULES_FOR_LOOP_UNHAPPY_PATH)
        for key in lookup.get(table, {})
    ]
    return max(lengths, default=0)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class WindowedRulePolicy(RulePolicy):
    """RulePolicy whose prediction states are only the window its rules can see."""

    def _prediction_states(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        use_text_for_last_user_input: bool = False,
        rule_only_data: Optional[Dict[str, Any]] = None,
    ) -> List[State]:
        # RulePolicy reads rule data: Rasa hides no rule-only turns and drops no
        # action_unlikely_intent for it, and keeps the whole history (max_history None),
        # so the states are `past_states` and only the last user input is adjusted.
        if self.featurizer.max_history is not None:
            return super()._prediction_states(tracker, domain, use_text_for_last_user_input, rule_only_data)
        states = recent_states(tracker, domain, longest_rule(self.lookup) + 1)
        self.featurizer._choose_last_user_input([states], use_text_for_last_user_input)
        return states
