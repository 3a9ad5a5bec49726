"""The sentence encoder: the files are the pinned ones, and the vectors mean what the model card says."""

from pathlib import Path

import numpy as np
import pytest

from assistant.nlu.sentence_encoder import (
    DIMENSIONS,
    MODEL_FILE,
    PARALLEL_FROM,
    TOKENIZER_FILE,
    EncoderFilesError,
    PackagedFile,
    SentenceEncoder,
    verified_path,
)
from assistant.packaged_files import sha256_of


@pytest.fixture(scope="module")
def encoder():
    return SentenceEncoder.from_packages()


@pytest.mark.parametrize("packaged", [MODEL_FILE, TOKENIZER_FILE])
def test_installed_files_have_the_pinned_hashes(packaged):
    assert sha256_of(verified_path(packaged)) == packaged.sha256


def test_a_file_with_another_hash_is_refused(tmp_path):
    spec = PackagedFile(MODEL_FILE.package, MODEL_FILE.relative_path, "0" * 64)
    with pytest.raises(EncoderFilesError, match="expected"):
        verified_path(spec)


def test_a_missing_package_is_a_clear_error():
    with pytest.raises(EncoderFilesError, match="not installed"):
        PackagedFile("no_such_package_crs", "model.onnx", "0" * 64).path()


def test_known_similarities(encoder):
    # all-MiniLM-L6-v2 with mean pooling: 0.755 and -0.105 in float32; the int8 file is within 0.01.
    food, bread, baby = encoder.encode(
        ["A man is eating food.", "A man is eating a piece of bread.", "The girl is carrying a baby."]
    )
    assert float(food @ bread) == pytest.approx(0.755, abs=0.01)
    assert float(food @ baby) == pytest.approx(-0.105, abs=0.01)


def test_vectors_are_unit_length_and_repeatable(encoder):
    first = encoder.encode(["my son has a fever after car t"])
    again = encoder.encode(["my son has a fever after car t"])
    assert first.shape == (1, DIMENSIONS)
    assert np.linalg.norm(first[0]) == pytest.approx(1.0, abs=1e-5)
    np.testing.assert_array_equal(first, again)


def test_a_paraphrase_is_closer_than_another_topic(encoder):
    question, paraphrase, other = encoder.encode(
        ["how long does crs last", "when will my child get over cytokine release syndrome", "what is keppra"]
    )
    assert question @ paraphrase > question @ other


@pytest.mark.parametrize(
    "text", ["", " ", "\x00\x01", "<script>alert(1)</script>", "🙂" * 300, "word " * 2000]
)
def test_odd_input_gives_a_vector(encoder, text):
    vector = encoder.encode([text])
    assert vector.shape == (1, DIMENSIONS) and np.isfinite(vector).all()


def test_no_texts_give_an_empty_matrix(encoder):
    assert encoder.encode([]).shape == (0, DIMENSIONS)


def test_files_live_inside_site_packages():
    assert "site-packages" in Path(MODEL_FILE.path()).parts


def test_a_long_list_gives_exactly_the_vectors_of_one_message_at_a_time(encoder):
    # Training encodes the whole data set in one call (on several threads): each vector must
    # be the one a parent's single message gets at run time, bit for bit.
    texts = [
        f"my child has had a fever of {n / 10:.1f} since the infusion, is that crs?"
        for n in range(380, 380 + 90)
    ]
    texts += ["", "what is keppra", "🙂" * 50]
    assert len(texts) >= PARALLEL_FROM
    together = encoder.encode(texts)
    one_by_one = np.vstack([encoder.encode([text]) for text in texts])
    np.testing.assert_array_equal(together, one_by_one)
