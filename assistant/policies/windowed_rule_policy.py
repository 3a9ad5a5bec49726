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

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence

from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.trackers import fork


def recent_states(
    tracker: DialogueStateTracker, domain: Domain, count: int, replays: Optional[ReplayCache] = None
) -> List[State]:
    """The last `count` states of `tracker.past_states(domain)`, without building the others.

    `past_states` makes one state before each `ActionExecuted` of the applied events and
    one after the last event; the tracker is replayed to each of the last `count` of those
    points. With `replays`, the replay up to the first of them continues the one made for
    the conversation's previous prediction, so a prediction costs the same late in a
    session as early.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    events = tracker.applied_events()
    kept = last_actions(events, count - 1)
    position = kept[0] if kept else len(events)
    prior = replays.replayed(tracker, events, position) if replays else _replayed(tracker, events, position)
    states: List[State] = []
    for boundary in [*kept, len(events)]:
        _replay(prior, events[position:boundary])
        position = boundary
        states.append(domain._clean_state(domain.get_active_state(prior)))
    return states


def last_actions(events: Sequence[Event], count: int) -> List[int]:
    """The positions of the last `count` `ActionExecuted` among `events`, in order."""
    found: List[int] = []
    index = len(events) - 1
    while len(found) < count and index >= 0:
        if isinstance(events[index], ActionExecuted):
            found.append(index)
        index -= 1
    return found[::-1]


def _replay(tracker: DialogueStateTracker, events: Iterable[Event]) -> None:
    for event in events:
        tracker.update(event)


def _replayed(tracker: DialogueStateTracker, events: Sequence[Event], position: int) -> DialogueStateTracker:
    prior = tracker.init_copy()
    _replay(prior, events[:position])
    return prior


@dataclass
class _Replay:
    events: List[Event]  # the applied events replayed, in order
    tracker: DialogueStateTracker  # a fresh tracker after them


class ReplayCache:
    """For each recent conversation, a tracker replayed up to a point of its applied events.

    A later prediction continues from it when the applied events still begin with the same
    events: the same objects (the project's tracker store hands out the same events turn
    after turn) or, for the last turn's, read back from the database, equal ones (Rasa's
    event equality compares what a state is made of: action names and texts, intents,
    entities and texts, slot names and values). Anything else, such as a reverted turn,
    means a replay from the start.
    """

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._entries: OrderedDict[str, _Replay] = OrderedDict()

    def replayed(
        self, tracker: DialogueStateTracker, events: Sequence[Event], position: int
    ) -> DialogueStateTracker:
        """A tracker after `events[:position]` (the caller may change it)."""
        sender = tracker.sender_id
        entry = self._entries.get(sender)
        if (
            entry is not None
            and len(entry.events) <= position
            and entry.events == events[: len(entry.events)]
        ):
            prior = entry.tracker
            _replay(prior, events[len(entry.events) : position])
        else:
            prior = _replayed(tracker, events, position)
        self._entries[sender] = _Replay(list(events[:position]), fork(prior))
        self._entries.move_to_end(sender)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)
        return prior


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._replays = ReplayCache()

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
        states = recent_states(tracker, domain, longest_rule(self.lookup) + 1, self._replays)
        self.featurizer._choose_last_user_input([states], use_text_for_last_user_input)
        return states
