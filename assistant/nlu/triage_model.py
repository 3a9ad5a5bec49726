"""The triage model: does a message say the child has a worrying sign now? (probability)

A logistic regression over three views of the message, each made for a kind of miss the
red-flag matcher's fixed vocabulary cannot see:
- word and word-pair counts (tf-idf, lowercased): "not answering", "wont wake";
- character 2-5-grams inside words (tf-idf): typos and run-together voice-to-text;
- the sentence's meaning (all-MiniLM-L6-v2, unit length, times `SENTENCE_WEIGHT`):
  everyday descriptions of a drowsy child in words nobody listed.

It is trained on the triage corpus (`data/triage/`: reports and non-reports in many voices)
and on the NLU training data (the urgent intent's examples are reports, every other
intent's are not). The operating points (`assistant.nlu.triage`) are chosen on held-out
folds of that data by `python -m evaluation.choose_triage`, for recall first.
Fixed seeds: training twice on the same data gives the same model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, List, Sequence, Tuple

import numpy as np
import scipy.sparse
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

REPORTS_KEY = "reports"
NOT_REPORTS_KEY = "not_reports"
# The sentence vector's weight against the two tf-idf blocks (each row unit length).
SENTENCE_WEIGHT = 1.0
REGULARISATION_C = 4.0
SEED = 42

Encoder = Callable[[Sequence[str]], np.ndarray]
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def last_sentence(text: str) -> str | None:
    """The last sentence of a message of several (two words or more), else None.

    A long message about something else often ends with the report ("...School has been great.
    Her breathing has been noisy and quick for the last hour."): its words are a small part of
    the whole, so the model also reads the last sentence alone and the higher P(report) counts.
    """
    parts = [part.strip() for part in _SENTENCE_END.split(text.strip()) if part.strip()]
    if len(parts) < 2 or len(parts[-1].split()) < 2:
        return None
    return parts[-1]


class TriageCorpusError(ValueError):
    """A triage corpus file is missing, unreadable or malformed."""


def read_corpus(folder: Path) -> Tuple[List[str], List[int]]:
    """Texts and labels (1: report) of every `*.yml` in `folder`, in file-name order."""
    files = sorted(folder.glob("*.yml"))
    if not files:
        raise TriageCorpusError(f"no triage corpus files (*.yml) in {folder}")
    texts: List[str] = []
    labels: List[int] = []
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise TriageCorpusError(f"{path} cannot be read: {error}") from error
        if not isinstance(data, dict) or not ({REPORTS_KEY, NOT_REPORTS_KEY} & set(data)):
            raise TriageCorpusError(f"{path}: expected lists `{REPORTS_KEY}` and `{NOT_REPORTS_KEY}`")
        for key, label in ((REPORTS_KEY, 1), (NOT_REPORTS_KEY, 0)):
            items = data.get(key) or []
            if not isinstance(items, list) or not all(isinstance(t, str) for t in items):
                raise TriageCorpusError(f"{path}: `{key}` must be a list of strings")
            texts.extend(t.strip() for t in items)
            labels.extend([label] * len(items))
    return texts, labels


def corpus_files(folder: Path) -> List[Path]:
    return sorted(folder.glob("*.yml"))


def _word_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        lowercase=True, ngram_range=(1, 2), min_df=1, sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"
    )


def _char_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        lowercase=True, analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True
    )


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


@dataclass
class TriageModel:
    """The fitted vectorizers and classifier."""

    words: TfidfVectorizer
    chars: TfidfVectorizer
    classifier: LogisticRegression

    @classmethod
    def fit(cls, texts: Sequence[str], labels: Sequence[int], sentence_vectors: np.ndarray) -> TriageModel:
        if len(texts) != len(labels) or len(texts) != len(sentence_vectors):
            raise ValueError("texts, labels and sentence vectors must have the same length")
        if len(set(labels)) != 2:
            raise ValueError("the triage model needs reports and non-reports")
        words, chars = _word_vectorizer(), _char_vectorizer()
        words.fit(texts)
        chars.fit(texts)
        model = cls(words, chars, LogisticRegression(
            C=REGULARISATION_C, class_weight="balanced", max_iter=2000, random_state=SEED
        ))  # fmt: skip
        model.classifier.fit(model.features(texts, sentence_vectors), np.asarray(labels))
        return model

    def features(self, texts: Sequence[str], sentence_vectors: np.ndarray) -> scipy.sparse.csr_matrix:
        dense = scipy.sparse.csr_matrix(
            unit_rows(np.asarray(sentence_vectors, dtype=np.float64)) * SENTENCE_WEIGHT
        )
        return scipy.sparse.hstack(
            [self.words.transform(texts), self.chars.transform(texts), dense], format="csr"
        )

    def probabilities(self, texts: Sequence[str], sentence_vectors: np.ndarray) -> np.ndarray:
        """P(report) for each text."""
        return self.classifier.predict_proba(self.features(texts, sentence_vectors))[:, 1]

    def message_probability(self, text: str, vector: np.ndarray, encoder: Encoder) -> float:
        """P(report) of a message: the whole, or its last sentence read alone if higher."""
        probability = float(self.probabilities([text], vector[np.newaxis, :])[0])
        last = last_sentence(text)
        if last is not None:
            last_vector = encoder([last])[0]
            probability = max(probability, float(self.probabilities([last], last_vector[np.newaxis, :])[0]))
        return probability


def encode_all(texts: Iterable[str], encoder: Encoder) -> np.ndarray:
    """Sentence vectors, each message encoded alone as the featurizer encodes it at run time
    (the project's encoder encodes every text of a list by itself)."""
    return np.asarray(encoder(list(texts)))
