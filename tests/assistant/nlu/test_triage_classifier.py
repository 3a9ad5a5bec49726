"""The triage component trains on the corpus and on the NLU examples, reading the sentence
vectors the featurizer already made for the examples (only the corpus is encoded)."""

from __future__ import annotations

from pathlib import Path
from typing import List, Sequence

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.names import TRIAGE_KEY, URGENT_INTENT
from assistant.nlu import triage_classifier
from assistant.nlu.sentence_featurizer import SentenceEncoderFeaturizer, shared_encoder
from assistant.nlu.triage_classifier import TriageClassifier, nlu_examples

REPORTS = ["she is struggling to breathe right now", "he had a seizure a minute ago", "we cannot wake him up"]
NOT_REPORTS = ["what is crs", "how long does crs last", "thank you so much"]


class CountingEncoder:
    def __init__(self) -> None:
        self.texts: List[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += list(texts)
        return shared_encoder().encode(texts)


def featurized(texts: Sequence[str], intent: str) -> List[Message]:
    messages = [Message(data={TEXT: text, INTENT: intent}) for text in texts]
    featurizer = SentenceEncoderFeaturizer(
        {**SentenceEncoderFeaturizer.get_default_config(), "scale": 24.0}, "enc"
    )
    return featurizer.process(messages)


def test_nlu_examples_carry_the_featurizers_vectors() -> None:
    data = TrainingData(featurized(REPORTS, URGENT_INTENT) + featurized(NOT_REPORTS, "faq"))
    texts, labels, vectors = nlu_examples(data, URGENT_INTENT)
    assert texts == REPORTS + NOT_REPORTS and labels == [1, 1, 1, 0, 0, 0]
    np.testing.assert_allclose(vectors / 24.0, shared_encoder().encode(texts), rtol=1e-6)


def test_training_encodes_only_the_corpus_and_tells_reports_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.yml").write_text(
        "reports:\n  - my daughter is breathing very fast\n  - he is shaking and will not stop\n"
        "not_reports:\n  - can crs cause seizures\n  - what are the signs of crs\n",
        encoding="utf-8",
    )
    counting = CountingEncoder()
    monkeypatch.setattr(triage_classifier, "shared_encoder", lambda: counting)
    (tmp_path / "storage").mkdir()
    storage = LocalModelStorage(tmp_path / "storage")
    component = TriageClassifier.create(
        {**TriageClassifier.get_default_config(), "corpus": str(corpus)},
        storage,
        Resource("triage"),
        ExecutionContext(GraphSchema({}), "triage"),
    )
    component.train(TrainingData(featurized(REPORTS, URGENT_INTENT) + featurized(NOT_REPORTS, "faq")))
    assert sorted(counting.texts) == sorted(
        ["my daughter is breathing very fast", "he is shaking and will not stop", "can crs cause seizures",
         "what are the signs of crs"]
    )  # fmt: skip
    [report, question] = component.process(
        featurized(["my son is not breathing well now", "what is crs?"], "")
    )
    assert report.get(TRIAGE_KEY)["probability"] > question.get(TRIAGE_KEY)["probability"]
