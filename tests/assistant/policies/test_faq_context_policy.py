"""The context policy claims only the turns the plan changes, one reply at a time."""

from typing import Any, Dict, List

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.policies.faq_context_policy import FaqContextPolicy
from tests.helpers import ROOT


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain"))


@pytest.fixture()
def policy(tmp_path) -> FaqContextPolicy:
    return FaqContextPolicy.create(
        FaqContextPolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("faq_context"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def user(text: str, intent: str, **extra: Any) -> UserUttered:
    parse_data: Dict[str, Any] = {"text": text, "intent": {"name": intent, "confidence": 0.9}, **extra}
    return UserUttered(text, parse_data["intent"], parse_data=parse_data)


def predicted(policy: FaqContextPolicy, domain: Domain, events: List[Any]) -> str:
    tracker = DialogueStateTracker.from_events("parent", events, domain.slots)
    prediction = policy.predict_action_probabilities(tracker, domain)
    if max(prediction.probabilities) == 0:
        return "(none)"
    return domain.action_names_or_texts[prediction.probabilities.index(max(prediction.probabilities))]


def test_two_questions_then_listen(policy, domain):
    asked = user(
        "what is crs and how long does it last", "faq", faq_questions=["faq/what_is_crs", "faq/recovery_time"]
    )
    events: List[Any] = [ActionExecuted("action_listen"), asked]
    assert predicted(policy, domain, events) == "utter_faq/what_is_crs"
    events += [ActionExecuted("utter_faq/what_is_crs"), BotUttered("...")]
    assert predicted(policy, domain, events) == "utter_faq/recovery_time"
    events += [ActionExecuted("utter_faq/recovery_time"), BotUttered("...")]
    assert predicted(policy, domain, events) == "action_listen"


def test_a_report_in_a_follow_up_is_left_to_the_rules(policy, domain):
    events = [
        user("what is blinatumomab", "faq"),
        ActionExecuted("utter_faq"),
        BotUttered("...", metadata={"utter_action": "utter_faq/blinatumomab"}),
        ActionExecuted("action_listen"),
        user("and now she cant breathe", "report_urgent_symptom"),
    ]
    assert predicted(policy, domain, events) == "(none)"


def test_a_bare_follow_up_gets_the_other_topic_of_the_family(policy, domain):
    events = [
        user("what is blinatumomab", "faq"),
        ActionExecuted("utter_faq"),
        BotUttered("...", metadata={"utter_action": "utter_faq/blinatumomab"}),
        ActionExecuted("action_listen"),
        user("and the other one?", "not_in_source"),
    ]
    assert predicted(policy, domain, events) == "utter_faq/car_t"
