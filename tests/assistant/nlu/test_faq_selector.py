"""The FAQ answer component: Rasa's ResponseSelector output, from a linear model over the
pipeline's features, trained, saved and loaded through Rasa's model storage."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.nlu.faq_selector import (
    SELECTOR_KEY,
    FaqSelector,
    confidences,
    message_features,
    selector_output,
)

# Three answers, each with its own words (sparse columns) and meaning (dense direction).
KEYS = ["faq/what_is_crs", "faq/steroids", "faq/icu"]


def featurized(key_index: int, noise: int, intent: str = "faq", key: str | None = None) -> Message:
    rng = np.random.default_rng(noise)
    counts = np.zeros((1, 12))
    counts[0, key_index * 4 : key_index * 4 + 4] = rng.integers(1, 4, 4)
    counts[0, rng.integers(0, 12)] += 1  # a word of another answer
    dense = np.eye(3)[key_index] + rng.normal(0, 0.2, 3)
    message = Message(data={TEXT: f"question {key_index} {noise}", INTENT: intent})
    if key:
        message.set(INTENT_RESPONSE_KEY, key)
    message.add_features(Features(scipy.sparse.coo_matrix(counts), FEATURE_TYPE_SENTENCE, TEXT, "counts"))
    message.add_features(Features(dense.reshape(1, -1), FEATURE_TYPE_SENTENCE, TEXT, "encoder"))
    return message


def training_data() -> TrainingData:
    examples = [featurized(i, n, key=key) for i, key in enumerate(KEYS) for n in range(8)]
    examples += [featurized(0, 100 + n, intent="greet") for n in range(4)]  # not FAQ: not learned
    responses = {f"utter_{key}": [{"text": f"The answer about {key}."}] for key in KEYS}
    responses["utter_greet"] = [{"text": "Hello."}]
    return TrainingData(training_examples=examples, responses=responses)


@pytest.fixture
def storage(tmp_path) -> LocalModelStorage:  # noqa: ANN001
    return LocalModelStorage(tmp_path)


def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


def trained(storage: LocalModelStorage) -> tuple[FaqSelector, Resource]:
    resource = Resource("faq_selector")
    component = FaqSelector.create(FaqSelector.get_default_config(), storage, resource, context())
    component.train(training_data())
    return component, resource


@pytest.mark.slow
def test_each_answer_is_chosen_for_new_questions_like_its_own(storage) -> None:  # noqa: ANN001
    component, _ = trained(storage)
    for index, key in enumerate(KEYS):
        [message] = component.process([featurized(index, 1000 + index)])
        selected = message.get(SELECTOR_KEY)["faq"]
        assert selected["response"]["intent_response_key"] == key
        assert selected["response"]["utter_action"] == f"utter_{key}"
        assert selected["response"]["responses"] == [{"text": f"The answer about {key}."}]
        assert selected["response"]["confidence"] > 0.5


def test_output_has_rasas_response_selector_shape(storage) -> None:  # noqa: ANN001
    component, _ = trained(storage)
    [message] = component.process([featurized(1, 7)])
    output = message.as_dict_nlu()[SELECTOR_KEY]  # added to the parse data Rasa returns
    assert output["all_retrieval_intents"] == ["faq"]
    ranking = output["faq"]["ranking"]
    assert sorted(entry["intent_response_key"] for entry in ranking) == sorted(KEYS)
    assert [entry["confidence"] for entry in ranking] == sorted(
        (e["confidence"] for e in ranking), reverse=True
    )
    assert sum(entry["confidence"] for entry in ranking) == pytest.approx(1.0)
    assert ranking[0]["intent_response_key"] == output["faq"]["response"]["intent_response_key"]


def test_a_saved_selector_loads_and_chooses_the_same(storage) -> None:  # noqa: ANN001
    component, resource = trained(storage)
    loaded = FaqSelector.load(FaqSelector.get_default_config(), storage, resource, context())
    questions = [featurized(i % 3, 2000 + i) for i in range(9)]
    before = [m.get(SELECTOR_KEY) for m in component.process([featurized(i % 3, 2000 + i) for i in range(9)])]
    after = [m.get(SELECTOR_KEY) for m in loaded.process(questions)]
    assert after == before


def test_training_twice_gives_the_same_model(tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, _ = trained(LocalModelStorage(tmp_path / "a"))
    second, _ = trained(LocalModelStorage(tmp_path / "b"))
    assert np.array_equal(first.model.coef_, second.model.coef_)  # type: ignore[union-attr]


def test_without_a_trained_model_nothing_is_selected(storage) -> None:  # noqa: ANN001
    loaded = FaqSelector.load(FaqSelector.get_default_config(), storage, Resource("never_trained"), context())
    [message] = loaded.process([featurized(0, 1)])
    assert message.get(SELECTOR_KEY) is None


def test_features_are_log_counts_and_vector_each_of_unit_length() -> None:
    row = message_features(featurized(2, 3)).toarray()[0]
    counts, vector = row[:12], row[12:]
    assert np.linalg.norm(counts) == pytest.approx(1.0) and np.linalg.norm(vector) == pytest.approx(1.0)
    assert counts.max() / counts[counts > 0].min() < 3  # log-scaled: a repeated word counts less


def test_confidences_are_a_softmax_of_the_scores() -> None:
    assert confidences(np.array([0.0, 0.0]), 5.0).tolist() == [0.5, 0.5]
    two = confidences(np.array([0.4]), 5.0)  # a two-answer model's single score
    assert two.sum() == pytest.approx(1.0) and two[1] > two[0]
    assert selector_output(["faq/a", "faq/b"], np.array([0.2, 0.8]), {}, 1)["faq"]["ranking"] == [
        {"confidence": 0.8, "intent_response_key": "faq/b"}
    ]
