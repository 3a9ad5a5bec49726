"""A conversation's tracker whose turn does not grow with the conversation.

Rasa copies a tracker by replaying every event of the conversation into a new one
(`DialogueStateTracker.copy`), and its processor does so before each action it runs: two
replays a turn, each as long as the conversation (4 ms at 1,500 events). It also works out
the applied events (the events left once reverted turns and earlier sessions are dropped)
from the first event, several times a turn. `fork` makes the same tracker without a
replay; a `ForkingTracker` (the trackers the project's tracker store hands out,
`assistant.plugins.tracker_store`) copies itself that way and works out its applied
events from where it last did, as Rasa's `applied_events` would from the start.
"""

from __future__ import annotations

import copy
import itertools
from collections import deque
from dataclasses import dataclass
from typing import List, Optional, Tuple, TypeVar

from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

T = TypeVar("T", bound=DialogueStateTracker)


def fork(tracker: T) -> T:
    """A tracker in the same state whose changes do not reach `tracker`, without a replay.

    The events are shared (Rasa does not change a logged event, except that
    `DefinePrevUserUtteredFeaturization` marks the latest user message: that one is
    copied); the deque, the slots and the mutable state are the copy's own.
    """
    clone = copy.copy(tracker)
    clone.events = deque(tracker.events, tracker.events.maxlen)
    slots = copy.copy(tracker.slots)
    slots.update((name, copy.copy(slot)) for name, slot in tracker.slots.items())
    clone.slots = slots
    if tracker.latest_action is not None:
        clone.latest_action = dict(tracker.latest_action)
    if tracker.active_loop is not None:
        clone.active_loop = copy.copy(tracker.active_loop)
    message = tracker.latest_message
    if message is not None:
        clone.latest_message = copy.copy(message)
        for back, event in enumerate(reversed(tracker.events)):
            if event is message:
                clone.events[len(clone.events) - 1 - back] = clone.latest_message
                break
    return clone


@dataclass(frozen=True)
class _Applied:
    count: int  # raw events read
    last: Event  # the last of them
    events: Tuple[Event, ...]  # the applied events after them


class ForkingTracker(DialogueStateTracker):
    """A tracker whose `copy()` is `fork` and whose applied events are worked out incrementally.

    Events are only ever appended to a tracker, so the applied events of the first `n` raw
    events stay what they were; the new ones are applied by Rasa's rules (a restart or a
    session start drops everything before it, `ActionReverted` and `UserUtteranceReverted`
    undo the last action or user turn). A conversation with a form (`ActiveLoop` events, for
    which Rasa also undoes repeated loop turns) is always worked out from the start by Rasa.
    """

    _applied: Optional[_Applied] = None

    def copy(self) -> ForkingTracker:
        return fork(self)

    def applied_events(self) -> List[Event]:
        count = len(self.events)
        cached = self._applied
        if count == 0:
            return []
        if cached is None or cached.count > count or self.events[cached.count - 1] is not cached.last:
            applied: List[Event] = []
            new_events = itertools.islice(self.events, 0, None)
        else:
            applied = list(cached.events)
            new_events = itertools.islice(self.events, cached.count, None)
        for event in new_events:
            if isinstance(event, ActiveLoop):
                return super().applied_events()
            _apply(event, applied)
        self._applied = _Applied(count, self.events[-1], tuple(applied))
        return applied


def _apply(event: Event, applied: List[Event]) -> None:
    """Rasa's `DialogueStateTracker.applied_events` for one more event, outside forms."""
    if isinstance(event, (Restarted, SessionStarted)):
        applied.clear()
    elif isinstance(event, ActionReverted):
        DialogueStateTracker._undo_till_previous(ActionExecuted, applied)
    elif isinstance(event, UserUtteranceReverted):
        DialogueStateTracker._undo_till_previous(UserUttered, applied)
        DialogueStateTracker._undo_till_previous(ActionExecuted, applied)
    else:
        applied.append(event)
