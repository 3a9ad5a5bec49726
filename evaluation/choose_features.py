"""Choose the intent features and classifier settings on a split of the project's own data.

    python -m evaluation.choose_features

Holds out a stratified fifth of data/nlu/ (fixed seed), trains a logistic
regression like Rasa's `LogisticRegressionClassifier` (balanced classes, lbfgs)
on the rest with the same sparse features as config.yml (lemma 1-2 grams,
character 2-4 grams) and with or without the sentence encoder at several
scales, and prints the accuracy on the held-back fifth and on the project's
held-out set. Labels are flattened (`faq/<key>`), which is what the intent
classifier and the ResponseSelector decide between them. The parents' dev set
is never read here.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from evaluation.sets import PROJECT_SETS, ROOT, load_cases

SPACY_PIPELINE = ROOT / "build" / "spacy_crs_en"
SEED = 42


def training_pairs() -> List[Tuple[str, str]]:
    pairs: List[Tuple[str, str]] = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        pairs.extend((case.text, case.expect) for case in load_cases(path))
    return pairs


class Features:
    """Sparse features as config.yml builds them, and the encoder's vectors."""

    def __init__(self, texts: Sequence[str]) -> None:
        import spacy

        from assistant.nlu.sentence_encoder import SentenceEncoder

        self._nlp = spacy.load(SPACY_PIPELINE)
        self._encoder = SentenceEncoder.from_packages()
        self._words = CountVectorizer(analyzer=lambda lemmas: _ngrams(lemmas, 2))
        self._chars = CountVectorizer(analyzer="char_wb", ngram_range=(2, 4), lowercase=True)
        self._words.fit([self._lemmas(t) for t in texts])
        self._chars.fit(texts)

    def _lemmas(self, text: str) -> List[str]:
        return [t.lemma_.lower() or t.lower_ for t in self._nlp(text) if not t.is_space]

    def sparse(self, texts: Sequence[str]) -> csr_matrix:
        words = self._words.transform([self._lemmas(t) for t in texts])
        return csr_matrix(hstack([words, self._chars.transform(texts)]))

    def dense(self, texts: Sequence[str]) -> np.ndarray:
        return self._encoder.encode(texts)


def _ngrams(tokens: List[str], n: int) -> List[str]:
    grams = list(tokens)
    for size in range(2, n + 1):
        grams += [" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)]
    return grams


def _matrix(sparse: csr_matrix, dense: np.ndarray, scale: float) -> csr_matrix:
    if scale <= 0:
        return sparse
    if sparse.shape[1] == 0:
        return csr_matrix(dense * scale)
    return csr_matrix(hstack([sparse, csr_matrix(dense * scale)]))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.choose_features", description=__doc__)
    parser.add_argument("--scales", default="0,1,2,3,5,8", help="encoder scales to try (0 = sparse only)")
    args = parser.parse_args(argv)
    pairs = training_pairs()
    texts, labels = [p[0] for p in pairs], [p[1] for p in pairs]
    train_x, dev_x, train_y, dev_y = train_test_split(
        texts, labels, test_size=0.2, random_state=SEED, stratify=labels
    )
    holdout = [(c.text, c.expect) for c in load_cases(Path(PROJECT_SETS["held-out NLU set"]))]
    features = Features(train_x)
    sets: Dict[str, Tuple[List[str], List[str]]] = {
        "train": (train_x, train_y),
        "dev split": (dev_x, dev_y),
        "held-out": ([t for t, _ in holdout], [y for _, y in holdout]),
    }
    cache = {name: (features.sparse(x), features.dense(x), y) for name, (x, y) in sets.items()}
    print(f"{len(train_x)} training, {len(dev_x)} dev-split, {len(holdout)} held-out examples")
    print(f"{'features':<28} {'dev split':>10} {'held-out':>10}")
    empty = {name: csr_matrix((s.shape[0], 0)) for name, (s, _, _) in cache.items()}
    variants = [
        (f"sparse + encoder x{scale:g}" if scale else "sparse only", scale, False)
        for scale in [float(s) for s in args.scales.split(",")]
    ] + [("encoder only", 1.0, True)]
    for title, scale, dense_only in variants:
        model = LogisticRegression(class_weight="balanced", max_iter=1000, random_state=SEED)
        sparse_train = empty["train"] if dense_only else cache["train"][0]
        model.fit(_matrix(sparse_train, cache["train"][1], scale), cache["train"][2])
        scores = []
        for name in ("dev split", "held-out"):
            sparse, dense, y = cache[name]
            predicted = model.predict(_matrix(empty[name] if dense_only else sparse, dense, scale))
            scores.append(float(np.mean(np.asarray(predicted) == np.asarray(y))))
        print(f"{title:<28} {scores[0]:>10.3f} {scores[1]:>10.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
