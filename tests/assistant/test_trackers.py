"""A ForkingTracker's copy is the tracker Rasa's replaying copy makes, and its own."""

from __future__ import annotations

from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from assistant.trackers import ForkingTracker

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain"))


def conversation() -> list:
    events: list = [ActionExecuted("action_session_start", timestamp=1.0), SessionStarted(timestamp=1.0)]
    for turn in range(40):
        t = 10.0 + turn
        events += [
            ActionExecuted("action_listen", timestamp=t),
            UserUttered(f"question {turn}", {"name": "faq", "confidence": 0.9}, timestamp=t + 0.1),
            DefinePrevUserUtteredFeaturization(False, timestamp=t + 0.2),
            ActionExecuted("utter_faq", timestamp=t + 0.3),
            BotUttered(f"answer {turn}", timestamp=t + 0.4),
        ]
        if turn % 7 == 3:
            events.append(SlotSet("feedback_value", "up", timestamp=t + 0.5))
        if turn % 11 == 5:
            events.append(UserUtteranceReverted(timestamp=t + 0.6))
    events += [ActiveLoop("some_form", timestamp=99.0), ActionExecuted("action_listen", timestamp=100.0)]
    return events


def test_the_copy_is_rasas_copy_and_its_own() -> None:
    tracker = ForkingTracker.from_events("s", conversation(), DOMAIN.slots)
    replayed = DialogueStateTracker.copy(tracker)  # Rasa's: a replay of every event
    forked = tracker.copy()
    assert isinstance(forked, ForkingTracker)
    assert forked.current_state(EventVerbosity.ALL) == replayed.current_state(EventVerbosity.ALL)
    assert forked.past_states(DOMAIN) == replayed.past_states(DOMAIN)
    assert forked.active_loop == replayed.active_loop and forked.slots["feedback_value"].value == "up"
    forked.update(SlotSet("feedback_value", "down", timestamp=200.0))
    forked.update(ActionExecuted("action_listen", timestamp=201.0))
    assert tracker.get_slot("feedback_value") == "up" and len(tracker.events) == len(replayed.events)


def random_events(seed: int, count: int) -> list:
    import random

    rng = random.Random(seed)
    kinds = [
        lambda t: ActionExecuted("action_listen", timestamp=t),
        lambda t: UserUttered(f"m{t}", {"name": "faq"}, timestamp=t),
        lambda t: ActionExecuted("utter_faq", timestamp=t),
        lambda t: BotUttered("a", timestamp=t),
        lambda t: SlotSet("feedback_value", rng.choice(["up", "down"]), timestamp=t),
        lambda t: UserUtteranceReverted(timestamp=t),
        lambda t: ActionReverted(timestamp=t),
        lambda t: Restarted(timestamp=t),
        lambda t: SessionStarted(timestamp=t),
    ]
    weights = [20, 20, 20, 10, 5, 3, 3, 1, 1]
    return [rng.choices(kinds, weights)[0](float(n)) for n in range(count)]


def test_applied_events_step_by_step_are_rasas_from_the_start() -> None:
    for seed in range(20):
        tracker = ForkingTracker("s", DOMAIN.slots)
        for n, event in enumerate(random_events(seed, 300)):
            tracker.update(event)
            if n % 3 == 0:
                tracker = tracker.copy()  # the cache travels with the copy
            assert tracker.applied_events() == DialogueStateTracker.applied_events(tracker), (seed, n)


def test_a_conversation_with_a_form_is_worked_out_by_rasa() -> None:
    tracker = ForkingTracker.from_events("s", conversation(), DOMAIN.slots)
    assert tracker.applied_events() == DialogueStateTracker.applied_events(tracker)
