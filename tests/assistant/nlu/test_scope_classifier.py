"""The scope check: a `faq` question that asks what the article does not say becomes
`not_in_source`; trained, saved and loaded through Rasa's model storage."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.names import SCOPE_KEY, SCOPE_RESCOPED_FROM
from assistant.nlu.scope_classifier import ScopeClassifier, masked, rescoped

BEYOND = [
    "how is blinatumomab given",
    "is kymriah a pill or a drip",
    "how much does tocilizumab cost",
    "does insurance pay for car t",
    "which hospitals offer kymriah",
    "is blincyto available in canada",
    "does car t work for other cancers",
    "can adults get blinatumomab",
    "what is the success rate of kymriah",
    "can my son go to school after car t",
    "how many nights in hospital for blincyto",
    "does keppra make kids sleepy",
]
INSIDE = [
    "what is blinatumomab",
    "what is kymriah",
    "what does tocilizumab do for crs",
    "what is car t therapy",
    "what is crs",
    "what are cytokines",
    "when does crs start",
    "how long does crs last",
    "what are the symptoms of crs",
    "why do they give keppra",
    "what steroids are used for crs",
    "can crs affect the heart",
]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScopeClassifier, LocalModelStorage, Resource]:
    storage = LocalModelStorage(tmp_path_factory.mktemp("scope"))
    resource = Resource("scope")
    component = ScopeClassifier.create({"threshold": 0.6}, storage, resource, context())
    examples = [Message(data={TEXT: t, INTENT: "not_in_source"}) for t in BEYOND]
    examples += [Message(data={TEXT: t, INTENT: "faq"}) for t in INSIDE]
    examples += [Message(data={TEXT: "hello there", INTENT: "greet"})]  # neither: not learned
    component.train(TrainingData(training_examples=examples))
    return component, storage, resource


def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


def message(text: str, intent: str, ranking: Dict[str, float]) -> Message:
    entries = [{"name": name, "confidence": value} for name, value in ranking.items()]
    return Message(
        data={
            TEXT: text,
            INTENT: {"name": intent, "confidence": entries[0]["confidence"]},
            INTENT_RANKING_KEY: entries,
        }
    )


def test_names_of_therapies_and_medicines_become_one_placeholder() -> None:
    assert masked("Is Kymriah a pill?") == "is medx a pill?"
    assert masked("how is CAR-T cell therapy given") == "how is medx given"
    assert masked("what does tocilizumab do in the PICU") == "what does medx do in the medx"
    assert masked("what are cytokines") == "what are cytokines"


def test_a_faq_question_asking_beyond_the_article_becomes_not_in_source(trained) -> None:  # noqa: ANN001
    component, _, _ = trained
    [asked] = component.process(
        [message("is blinatumomab a tablet or an iv drip", "faq", {"faq": 0.9, "not_in_source": 0.1})]
    )
    assert asked.get(INTENT)["name"] == "not_in_source"
    assert asked.get(SCOPE_KEY)[SCOPE_RESCOPED_FROM] == "faq"
    ranking = asked.get(INTENT_RANKING_KEY)
    assert ranking[0]["name"] == "not_in_source"
    assert ranking[1] == {"name": "faq", "confidence": pytest.approx(1 - asked.get(SCOPE_KEY)["beyond"])}


def test_a_question_the_article_answers_keeps_its_faq_intent(trained) -> None:  # noqa: ANN001
    component, _, _ = trained
    [asked] = component.process(
        [message("what is tisagenlecleucel", "faq", {"faq": 0.9, "not_in_source": 0.1})]
    )
    assert asked.get(INTENT)["name"] == "faq"
    assert asked.get(SCOPE_KEY)["beyond"] < 0.6
    assert SCOPE_RESCOPED_FROM not in asked.get(SCOPE_KEY)


@pytest.mark.parametrize("intent", ["report_urgent_symptom", "ask_medicine_dose", "greet", "nlu_fallback"])
def test_other_intents_are_never_touched(trained, intent: str) -> None:  # noqa: ANN001
    component, _, _ = trained
    [asked] = component.process([message("is blincyto a pill or a drip", intent, {intent: 0.9})])
    assert asked.get(INTENT)["name"] == intent
    assert asked.get(SCOPE_KEY) is None


def test_a_saved_check_loads_and_decides_the_same(trained) -> None:  # noqa: ANN001
    component, storage, resource = trained
    loaded = ScopeClassifier.load({"threshold": 0.6}, storage, resource, context())
    texts = ["can kymriah treat lymphoma", "what is blinatumomab", "how often is blincyto given"]
    before = [m.get(SCOPE_KEY) for m in component.process([message(t, "faq", {"faq": 0.8}) for t in texts])]
    after = [m.get(SCOPE_KEY) for m in loaded.process([message(t, "faq", {"faq": 0.8}) for t in texts])]
    assert after == before


def test_without_a_trained_model_nothing_changes(tmp_path) -> None:  # noqa: ANN001
    loaded = ScopeClassifier.load({}, LocalModelStorage(tmp_path), Resource("never"), context())
    [asked] = loaded.process([message("is blincyto a pill", "faq", {"faq": 0.8})])
    assert asked.get(INTENT)["name"] == "faq"


@pytest.mark.parametrize("threshold", [0.0, 1.5, -1])
def test_a_threshold_outside_zero_to_one_is_refused(tmp_path, threshold: float) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match="threshold"):
        ScopeClassifier({"threshold": threshold}, LocalModelStorage(tmp_path), Resource("x"))


def test_rescoping_keeps_the_stronger_not_in_source_confidence_and_lowers_faq() -> None:
    parse: Dict[str, Any] = {
        INTENT: {"name": "not_in_source", "confidence": 0.9},
        INTENT_RANKING_KEY: [
            {"name": "not_in_source", "confidence": 0.9},
            {"name": "faq", "confidence": 0.95},
        ],
    }
    rescoped(parse, 0.8)
    ranking: List[Dict[str, Any]] = parse[INTENT_RANKING_KEY]
    assert parse[INTENT] == {"name": "not_in_source", "confidence": 0.9}
    assert [r["name"] for r in ranking] == ["not_in_source", "faq"]
    assert ranking[1]["confidence"] == pytest.approx(0.2)
