"""The triage model's corpus reader and classifier, on small data made here."""

import numpy as np
import pytest

from assistant.nlu.triage_model import TriageCorpusError, TriageModel, last_sentence, read_corpus, unit_rows

REPORTS = ["he is burning up right now", "she wont wake up", "his lips are blue", "she is fitting now"]
CALM = ["what is crs", "can crs cause fever", "thank you so much", "how long does it last"]


def vectors(texts, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(len(texts), 8))


def test_the_model_separates_reports_from_questions_it_was_taught():
    texts, labels = REPORTS + CALM, [1] * 4 + [0] * 4
    model = TriageModel.fit(texts, labels, vectors(texts))
    p = model.probabilities(texts, vectors(texts))
    assert all(p[:4] > 0.5) and all(p[4:] < 0.5)


def test_training_twice_gives_the_same_model():
    texts, labels = REPORTS + CALM, [1] * 4 + [0] * 4
    first = TriageModel.fit(texts, labels, vectors(texts)).probabilities(["is he hot"], vectors(["x"]))
    second = TriageModel.fit(texts, labels, vectors(texts)).probabilities(["is he hot"], vectors(["x"]))
    assert first.tolist() == second.tolist()


def test_the_sentence_vector_is_made_unit_length_whatever_its_scale():
    rows = unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert rows.tolist() == [[0.6, 0.8], [0.0, 0.0]]


def test_one_class_only_is_refused():
    with pytest.raises(ValueError, match="reports and non-reports"):
        TriageModel.fit(REPORTS, [1] * 4, vectors(REPORTS))


def test_the_corpus_reader_reads_every_file(tmp_path):
    (tmp_path / "a.yml").write_text('reports:\n  - "fever 39"\nnot_reports:\n  - "what is crs"\n')
    (tmp_path / "b.yml").write_text('reports:\n  - "cant breathe"\n')
    assert read_corpus(tmp_path) == (["fever 39", "what is crs", "cant breathe"], [1, 0, 1])


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("nlu: []\n", "expected lists"),
        ("reports: fever\n", "must be a list of strings"),
        ("reports: [1, 2]\n", "must be a list of strings"),
        ("reports: [\n", "cannot be read"),
    ],
)
def test_a_malformed_corpus_file_is_a_clear_error(tmp_path, content, error):
    (tmp_path / "bad.yml").write_text(content)
    with pytest.raises(TriageCorpusError, match=error):
        read_corpus(tmp_path)


def test_an_empty_folder_is_a_clear_error(tmp_path):
    with pytest.raises(TriageCorpusError, match="no triage corpus files"):
        read_corpus(tmp_path)


def test_the_last_sentence_of_a_long_message_is_read_alone():
    assert last_sentence("We parked fine. School sent work home. Her breathing is quick now.") == (
        "Her breathing is quick now."
    )
    assert last_sentence("his temp is 39.5") is None
    assert last_sentence("Thanks. Bye") is None  # one word: not a sentence to read alone


def test_a_report_in_the_last_sentence_counts():
    texts, labels = REPORTS + CALM, [1] * 4 + [0] * 4
    model = TriageModel.fit(texts, labels, vectors(texts))
    fixed = lambda batch: np.ones((len(batch), 8))  # noqa: E731
    whole = model.probabilities(["what is crs. she wont wake up"], fixed(["x"]))[0]
    assert model.message_probability("what is crs. she wont wake up", fixed(["x"])[0], fixed) >= whole
