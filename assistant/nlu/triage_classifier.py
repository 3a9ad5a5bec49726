"""Rasa NLU component: the triage model's P(report) for each message.

Trained with the rest of the pipeline on the triage corpus (`corpus`, a folder of YAML
files with `reports` and `not_reports`) and on the NLU training data (the urgent intent's
examples are reports, every other intent's are not). The corpus files are part of the
component's fingerprint, so a changed file retrains it. At run time it reads the sentence
vector the `SentenceEncoderFeaturizer` added (no second encoding) and puts
`{"probability": p}` under `triage` in the parse data; `RedFlagClassifier`, after it,
makes the decision (`assistant.nlu.triage`). A message of several sentences is also read by
its last sentence alone (one more encoding), since a report is often the last line.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.names import TRIAGE_KEY, URGENT_INTENT
from assistant.nlu.sentence_featurizer import shared_encoder
from assistant.nlu.triage_model import TriageModel, corpus_files, encode_all, read_corpus

logger = logging.getLogger(__name__)
MODEL_FILE = "triage.joblib"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TriageClassifier(GraphComponent):
    """P(the message reports a worrying sign in the child now)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"corpus": "data/triage", "urgent_intent": URGENT_INTENT}

    @staticmethod
    def required_packages() -> List[str]:
        return ["sklearn", "onnxruntime"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """The corpus files' content: a changed file retrains the component."""
        digest = hashlib.sha256()
        for path in corpus_files(Path(config.get("corpus", cls.get_default_config()["corpus"]))):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[TriageModel] = None,
    ) -> None:
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TriageClassifier:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TriageClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                model = joblib.load(directory / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("No triage model in the trained model: the matcher decides alone.")
            model = None
        return cls(config, model_storage, resource, model)

    def train(self, training_data: TrainingData) -> Resource:
        texts, labels = read_corpus(Path(self._config["corpus"]))
        nlu_texts, nlu_labels, nlu_vectors = nlu_examples(training_data, self._config["urgent_intent"])
        # The NLU examples carry the featurizer's sentence vectors already: only the corpus is encoded.
        vectors = np.vstack([encode_all(texts, shared_encoder().encode), nlu_vectors])  # any scale
        self._model = TriageModel.fit(texts + nlu_texts, labels + nlu_labels, vectors)
        with self._storage.write_to(self._resource) as directory:
            joblib.dump(self._model, directory / MODEL_FILE)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if self._model is None:
            return messages
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip() or text.startswith("/"):
                continue
            probability = self._model.message_probability(
                text, sentence_vector(message), shared_encoder().encode
            )
            message.set(TRIAGE_KEY, {"probability": round(probability, 4)}, add_to_output=True)
        return messages


def nlu_examples(training_data: TrainingData, urgent_intent: str) -> Tuple[List[str], List[int], np.ndarray]:
    """The NLU training examples as triage data (the urgent intent's are reports), with their
    sentence vectors (the featurizer's, or fresh ones)."""
    texts: List[str] = []
    labels: List[int] = []
    vectors: List[np.ndarray] = []
    for example in training_data.intent_examples:
        intent = example.get(INTENT)
        text = example.get(TEXT)
        if not isinstance(text, str) or not text.strip() or intent is None:
            continue
        texts.append(text)
        labels.append(1 if intent == urgent_intent else 0)
        vectors.append(sentence_vector(example))
    return texts, labels, np.asarray(vectors).reshape(len(texts), -1)


def sentence_vector(message: Message) -> np.ndarray:
    """The encoder's sentence vector (any scale: the model makes it unit length), or a fresh one."""
    _, sentence = message.get_dense_features(TEXT)
    if sentence is not None:
        return np.asarray(sentence.features).reshape(-1)
    return shared_encoder().encode([str(message.get(TEXT))])[0]
