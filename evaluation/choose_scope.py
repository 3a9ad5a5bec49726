"""Choose the threshold of the scope check (`assistant.nlu.scope_classifier`) on the
project's own training data.

    python -m evaluation.choose_scope

Five-fold cross-validation (fixed seed) over data/nlu/'s `not_in_source` examples against its
`faq` examples: for each threshold, the share of beyond-the-article questions caught and the
FAQ questions it would turn away. The rule: the lowest threshold that turns away at most
`--max-faq-lost` (1%) of the FAQ examples. The parents' dev set and the conversation sets are
never read here.
"""

from __future__ import annotations

import argparse
from typing import List, Sequence, Tuple

import numpy as np
from sklearn.model_selection import StratifiedKFold

from assistant.nlu.scope_classifier import ScopeModel
from evaluation.choose_features import training_pairs

SEED = 42
THRESHOLDS = tuple(round(0.5 + 0.05 * i, 2) for i in range(10))


def scope_examples() -> Tuple[List[str], np.ndarray]:
    pairs = [
        (text, label)
        for text, label in training_pairs()
        if label == "not_in_source" or label.startswith("faq/")
    ]
    return [t for t, _ in pairs], np.array([int(label == "not_in_source") for _, label in pairs])


def cross_validated(texts: Sequence[str], beyond: np.ndarray, C: float, folds: int = 5) -> np.ndarray:
    p = np.zeros(len(texts))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=SEED).split(texts, beyond):
        model = ScopeModel.fit([texts[i] for i in train], beyond[train], C, SEED)
        p[test] = model.beyond([texts[i] for i in test])
    return p


def choose(p: np.ndarray, beyond: np.ndarray, max_faq_lost: float) -> float:
    faq = p[beyond == 0]
    for threshold in THRESHOLDS:
        if np.mean(faq >= threshold) <= max_faq_lost:
            return threshold
    return THRESHOLDS[-1]


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--C", type=float, default=4.0)
    parser.add_argument("--max-faq-lost", type=float, default=0.01)
    args = parser.parse_args(list(argv) or None)
    texts, beyond = scope_examples()
    p = cross_validated(texts, beyond, args.C)
    print(
        f"{int(beyond.sum())} not_in_source and {int((beyond == 0).sum())} faq examples, 5 folds, C={args.C}"
    )
    for threshold in THRESHOLDS:
        caught = np.mean(p[beyond == 1] >= threshold)
        lost = int(np.sum(p[beyond == 0] >= threshold))
        share = lost / (beyond == 0).sum()
        print(f"  threshold {threshold:.2f}: caught {caught:.1%}, faq turned away {lost} ({share:.1%})")
    print(f"chosen: {choose(p, beyond, args.max_faq_lost):.2f} (faq turned away <= {args.max_faq_lost:.0%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
