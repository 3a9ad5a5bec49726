"""The Rasa featurizer adds one scaled sentence vector per message text."""

import numpy as np
import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.nlu.sentence_encoder import DIMENSIONS
from assistant.nlu.sentence_featurizer import SentenceEncoderFeaturizer, shared_encoder


def featurizer(scale=1.0):
    return SentenceEncoderFeaturizer(
        {**SentenceEncoderFeaturizer.get_default_config(), "scale": scale}, "enc"
    )


def test_adds_a_sentence_feature_and_no_sequence_feature():
    [message] = featurizer().process([Message(data={TEXT: "what is crs"})])
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence is None
    assert sentence.features.shape == (1, DIMENSIONS)
    np.testing.assert_allclose(sentence.features[0], shared_encoder().encode(["what is crs"])[0], rtol=1e-6)


def test_scale_multiplies_the_vector():
    [plain] = featurizer(1.0).process([Message(data={TEXT: "what is crs"})])
    [scaled] = featurizer(4.0).process([Message(data={TEXT: "what is crs"})])
    np.testing.assert_allclose(
        scaled.get_dense_features(TEXT)[1].features,
        4.0 * plain.get_dense_features(TEXT)[1].features,
        rtol=1e-6,
    )


def test_training_data_is_featurized():
    data = TrainingData([Message(data={TEXT: "hello", "intent": "greet"})])
    featurizer().process_training_data(data)
    assert data.training_examples[0].get_dense_features(TEXT)[1] is not None


def test_a_message_without_text_is_left_alone():
    [message] = featurizer().process([Message(data={"intent": "greet"})])
    assert message.features == []


def test_scale_must_be_positive():
    with pytest.raises(ValueError):
        featurizer(0.0)
