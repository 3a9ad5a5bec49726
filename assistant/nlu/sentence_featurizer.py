"""Rasa dense featurizer: sentence meaning from all-MiniLM-L6-v2.

Adds one 384-dimensional sentence feature to each message's text, beside the
sparse word and character n-gram features. The classifiers downstream read
both. `scale` multiplies the unit-length vector so that it weighs as much as the
sparse counts in a linear model; it was chosen on a split of the project's own
training data (see config.yml).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.nlu.sentence_encoder import SentenceEncoder


@lru_cache(maxsize=1)
def shared_encoder() -> SentenceEncoder:
    """One encoder per process, loaded (and hash-checked) on first use."""
    return SentenceEncoder.from_packages()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Sentence features from a small pretrained sentence encoder."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "scale": 1.0}

    @staticmethod
    def required_packages() -> List[str]:
        return ["onnxruntime", "tokenizers"]

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        if float(config.get("scale", 1.0)) <= 0:
            raise ValueError("SentenceEncoderFeaturizer: scale must be positive.")

    def __init__(self, config: Dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self._scale = float(self._config["scale"])

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        shared_encoder()  # load and check the files now, not on a parent's first message
        return cls(config, execution_context.node_name)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        with_text = [message for message in messages if isinstance(message.get(TEXT), str)]
        vectors = shared_encoder().encode([message.get(TEXT) for message in with_text])
        for message, vector in zip(with_text, vectors, strict=True):
            self.add_features_to_message(
                sequence=None, sentence=(vector * self._scale)[np.newaxis, :], attribute=TEXT, message=message
            )
        return messages
