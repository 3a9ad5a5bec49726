"""WindowedRulePolicy predicts exactly what Rasa's RulePolicy predicts.

Both are trained on the project's domain, rules and stories; then, on every conversation
test (tests/test_*.yml) and on long generated sessions (random intents, entities, slot
changes, undo and restart events), each prediction of one must equal the other's.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.training import load_data
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    BotUttered,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from assistant.policies.windowed_rule_policy import (
    ReplayCache,
    WindowedRulePolicy,
    last_actions,
    longest_rule,
    recent_states,
)

ROOT = Path(__file__).resolve().parents[3]
CONFIG = {"core_fallback_threshold": 0.3, "enable_fallback_prediction": True, "restrict_rules": True}
LONG_SESSION_TURNS = 300


@pytest.fixture(scope="module")
def importer() -> TrainingDataImporter:
    return TrainingDataImporter.load_from_dict(
        domain_path=str(ROOT / "domain"), training_data_paths=[str(ROOT / "data")]
    )


@pytest.fixture(scope="module")
def domain(importer: TrainingDataImporter) -> Domain:
    return importer.get_domain()  # with the retrieval intents' actions (utter_faq)


@pytest.fixture(scope="module")
def policies(
    importer: TrainingDataImporter, domain: Domain, tmp_path_factory: pytest.TempPathFactory
) -> Tuple[RulePolicy, RulePolicy]:
    trackers = load_data(importer, domain, augmentation_factor=0)
    trained = []
    for cls in (RulePolicy, WindowedRulePolicy):
        storage = LocalModelStorage(tmp_path_factory.mktemp(cls.__name__))
        context = ExecutionContext(GraphSchema({}), cls.__name__)
        policy = cls.create({**cls.get_default_config(), **CONFIG}, storage, Resource(cls.__name__), context)
        policy.train(trackers, domain)
        trained.append(policy)
    return trained[0], trained[1]


def assert_same(expected: PolicyPrediction, actual: PolicyPrediction, where: str) -> None:
    assert actual.probabilities == expected.probabilities, where
    assert actual.events == expected.events, where
    assert actual.hide_rule_turn == expected.hide_rule_turn, where
    assert actual.is_end_to_end_prediction == expected.is_end_to_end_prediction, where
    assert actual.is_no_user_prediction == expected.is_no_user_prediction, where


def prefixes(tracker: DialogueStateTracker) -> Iterator[DialogueStateTracker]:
    """The tracker as it stood before each of its actions (where a policy predicts)."""
    partial = tracker.init_copy()
    for event in tracker.events:
        if isinstance(event, ActionExecuted):
            yield partial.copy()
        partial.update(event)


def conversation_test_trackers(domain: Domain) -> List[DialogueStateTracker]:
    trackers: List[DialogueStateTracker] = []
    for path in sorted(ROOT.glob("tests/test_*.yml")):
        trackers += load_data(str(path), domain, augmentation_factor=0, use_story_concatenation=False)
    return trackers


def test_the_window_is_the_longest_rule_plus_one(policies: Tuple[RulePolicy, RulePolicy]) -> None:
    _, windowed = policies
    assert 2 <= longest_rule(windowed.lookup) <= 10  # the project's rules are a few turns long


def test_same_predictions_on_every_conversation_test(
    policies: Tuple[RulePolicy, RulePolicy], domain: Domain
) -> None:
    rasa_policy, windowed = policies
    trackers = conversation_test_trackers(domain)
    assert len(trackers) >= 20
    predictions = 0
    for tracker in trackers:
        for partial in prefixes(tracker):
            where = f"{tracker.sender_id} after {len(partial.events)} events"
            assert_same(
                rasa_policy.predict_action_probabilities(partial, domain),
                windowed.predict_action_probabilities(partial, domain),
                where,
            )
            predictions += 1
    assert predictions >= 100


def random_session(domain: Domain, rasa_policy: RulePolicy, seed: int, turns: int) -> DialogueStateTracker:
    """A long session: each turn a random user message, then the actions Rasa's policy picks."""
    rng = random.Random(seed)
    intents = sorted(domain.intents)
    slots = [slot for slot in domain.slots if slot.name not in {"requested_slot", "session_started_metadata"}]
    tracker = DialogueStateTracker.from_events(
        f"session-{seed}", [ActionExecuted(ACTION_LISTEN_NAME)], domain.slots
    )
    for turn in range(turns):
        intent = rng.choice(intents)
        text = None if rng.random() < 0.3 else f"message {turn} about {intent}"
        tracker.update(UserUttered(text, {"name": intent, "confidence": rng.random()}))
        if rng.random() < 0.1 and slots:
            slot = rng.choice(slots)
            values = getattr(slot, "values", None) or ["a value", None]
            tracker.update(SlotSet(slot.name, rng.choice(list(values))))
        for _ in range(3):  # the actions of the turn, until the policy listens
            prediction = rasa_policy.predict_action_probabilities(tracker, domain)
            action = domain.action_names_or_texts[prediction.max_confidence_index]
            tracker.update(ActionExecuted(action))
            if action == ACTION_LISTEN_NAME:
                break
            tracker.update(BotUttered(f"reply {turn}"))
        else:
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
        roll = rng.random()
        if roll < 0.02:
            tracker.update(UserUtteranceReverted())
        elif roll < 0.03:
            tracker.update(ActionReverted())
        elif roll < 0.035:
            tracker.update(Restarted())
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
        elif roll < 0.04:
            tracker.update(ActionExecuted("action_session_start"))
            tracker.update(SessionStarted())
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
    return tracker


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_same_predictions_through_long_generated_sessions(
    policies: Tuple[RulePolicy, RulePolicy], domain: Domain, seed: int
) -> None:
    rasa_policy, windowed = policies
    tracker = random_session(domain, rasa_policy, seed, LONG_SESSION_TURNS)
    checked = 0
    for index, partial in enumerate(prefixes(tracker)):
        if index % 7 and index < len(tracker.events) - 60:  # every 7th early on, every one near the end
            continue
        for use_text in (True, False):
            assert (
                windowed._prediction_states(partial, domain, use_text)
                == rasa_policy._prediction_states(partial, domain, use_text)[
                    -(longest_rule(windowed.lookup) + 1) :
                ]
            )
        assert_same(
            rasa_policy.predict_action_probabilities(partial, domain),
            windowed.predict_action_probabilities(partial, domain),
            f"session {seed}, prediction {index}",
        )
        checked += 1
    assert checked >= 100


def test_recent_states_are_the_end_of_past_states(
    policies: Tuple[RulePolicy, RulePolicy], domain: Domain
) -> None:
    rasa_policy, _ = policies
    tracker = random_session(domain, rasa_policy, 3, 40)
    full = tracker.past_states(domain)
    for count in (1, 2, 5, len(full), len(full) + 10):
        assert recent_states(tracker, domain, count) == full[-count:]
    with pytest.raises(ValueError):
        recent_states(tracker, domain, 0)


def test_a_replay_continued_from_the_last_prediction_gives_the_same_states(
    policies: Tuple[RulePolicy, RulePolicy], domain: Domain
) -> None:
    # One cache across the whole session, as in a served conversation: each prediction
    # continues the replay of the one before, and a revert, restart or session start
    # (in the generated session) sends it back to the start.
    rasa_policy, _ = policies
    tracker = random_session(domain, rasa_policy, 4, 120)
    replays = ReplayCache(size=2)
    for index, partial in enumerate(prefixes(tracker)):
        assert recent_states(partial, domain, 4, replays) == partial.past_states(domain)[-4:], index
        # another conversation in between, evicting nothing that matters
        other = random_session(domain, rasa_policy, 5, 2) if index % 50 == 0 else None
        if other is not None:
            assert recent_states(other, domain, 4, replays) == other.past_states(domain)[-4:]


def test_a_replay_continues_over_events_read_back_from_the_database(
    policies: Tuple[RulePolicy, RulePolicy], domain: Domain
) -> None:
    # The tracker store reads the last turn's events back from the database: equal events,
    # new objects. The replay continues over them and the states stay Rasa's.
    rasa_policy, _ = policies
    session = random_session(domain, rasa_policy, 6, 60)
    replays = ReplayCache()
    for index, partial in enumerate(prefixes(session)):
        events = list(partial.events)
        read_back = events[:-8] + [Event.from_parameters(event.as_dict()) for event in events[-8:]]
        tracker = DialogueStateTracker.from_events(partial.sender_id, read_back, domain.slots)
        assert recent_states(tracker, domain, 4, replays) == partial.past_states(domain)[-4:], index


def test_last_actions() -> None:
    events = [
        ActionExecuted("a"),
        UserUttered("x"),
        ActionExecuted("b"),
        BotUttered("y"),
        ActionExecuted("c"),
    ]
    assert last_actions(events, 2) == [2, 4]
    assert last_actions(events, 5) == [0, 2, 4]
    assert last_actions(events, 0) == [] and last_actions([], 3) == []
