"""Choose the triage decision's operating points on held-out folds of the project's own data.

    python -m evaluation.choose_triage [--folds 5] [--recall 0.995] [--false-urgent 0.01]

The triage model (`assistant.nlu.triage_model`) is trained on four fifths of its training
data (the triage corpus in data/triage/ and data/nlu/) and scores the fifth it did not see,
five times over (stratified, fixed seed), so every example gets a probability from a model
that never saw it. The red-flag matcher reads every example too. Then, with the decision of
`assistant.nlu.triage` (the classifier's intent unknown, taken as not urgent):

- `caution`: the highest threshold at which the reports that get the urgent reply or the
  emergency line reach `--recall`;
- `urgent`: the lowest threshold at which non-reports that the model alone (no matcher
  report) would give the urgent reply stay under `--false-urgent` of all non-reports;
- `veto`: the threshold under which at most 0.5% of the reports the matcher catches fall,
  and at most 0.3 (a matcher report under it gets the emergency line and the answer, not
  the urgent reply).

It prints the figures at those points with 95% confidence intervals; config.yml carries the
chosen values. The evaluation sets (tests/data/) and the parents' dev set are never read here.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import List, Sequence, Tuple

import numpy as np
from sklearn.model_selection import StratifiedKFold

from assistant.names import TRIAGE_CAUTION, TRIAGE_URGENT, URGENT_INTENT
from assistant.nlu.triage import OperatingPoints, Signals, decide
from assistant.nlu.triage_model import Encoder, TriageModel, encode_all, last_sentence, read_corpus
from evaluation.report import wilson
from evaluation.sets import ROOT, load_cases

SPACY_PIPELINE = ROOT / "build" / "spacy_crs_en"
CORPUS = ROOT / "data" / "triage"
SEED = 42
# The model overrules a matcher report (emergency line and answer instead of the urgent
# reply) only where at most 0.5% of the matcher's true reports fall, and never above 0.3.
VETO_QUANTILE = 0.005
MAX_VETO = 0.3


def training_data() -> Tuple[List[str], List[int]]:
    texts, labels = read_corpus(CORPUS)
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for case in load_cases(path):
            texts.append(case.text)
            labels.append(1 if case.expect == URGENT_INTENT else 0)
    return texts, labels


def out_of_fold(
    texts: Sequence[str], labels: Sequence[int], vectors: np.ndarray, folds: int, encoder: Encoder
) -> np.ndarray:
    """Each text's P(report) (the whole or its last sentence, as at run time) from a model
    trained on the other folds."""
    probabilities = np.zeros(len(texts))
    y = np.asarray(labels)
    last = {i: last_sentence(t) for i, t in enumerate(texts)}
    last_vectors = {i: encoder([s])[0] for i, s in last.items() if s}
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=SEED).split(texts, y):
        model = TriageModel.fit([texts[i] for i in train], y[train].tolist(), vectors[train])
        probabilities[test] = model.probabilities([texts[i] for i in test], vectors[test])
        for i in test:
            sentence = last[i]
            if sentence:
                tail = float(model.probabilities([sentence], last_vectors[i][np.newaxis, :])[0])
                probabilities[i] = max(probabilities[i], tail)
    return probabilities


def matcher_signals(texts: Sequence[str]) -> List[Tuple[bool, bool]]:
    import spacy

    from assistant.nlu.red_flags import assess

    nlp = spacy.load(SPACY_PIPELINE)
    return [(bool(a.reports), bool(a.mentions)) for a in (assess(doc) for doc in nlp.pipe(texts))]


def decisions(
    probabilities: np.ndarray, matcher: Sequence[Tuple[bool, bool]], points: OperatingPoints
) -> List[str]:
    return [
        decide(Signals(reports, mentions, False, float(p)), points)
        for p, (reports, mentions) in zip(probabilities, matcher, strict=True)
    ]


def _figure(name: str, count: int, total: int) -> str:
    low, high = wilson(count, total)
    share = 100 * count / max(total, 1)
    return f"  {name:<44} {count}/{total} = {share:.1f}% [95% CI {100 * low:.1f}-{100 * high:.1f}]"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.choose_triage", description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--recall", type=float, default=0.995)
    parser.add_argument("--false-urgent", type=float, default=0.005)
    parser.add_argument("--save", type=Path, help="write the out-of-fold probabilities (.npz)")
    args = parser.parse_args(argv)

    from assistant.nlu.sentence_encoder import SentenceEncoder

    texts, labels = training_data()
    y = np.asarray(labels)
    encoder = SentenceEncoder.from_packages().encode
    vectors = encode_all(texts, encoder)
    probabilities = out_of_fold(texts, labels, vectors, args.folds, encoder)
    matcher = matcher_signals(texts)
    if args.save:
        np.savez(args.save, p=probabilities, y=y, texts=np.asarray(texts, dtype=object))
    reports, calm = y == 1, y == 0
    print(f"{len(texts)} examples: {reports.sum()} reports, {calm.sum()} non-reports, {args.folds} folds")

    grid = np.round(np.arange(0.0, 1.0001, 0.005), 3)
    urgent = 1.0
    unflagged_calm = probabilities[[c and not m[0] for c, m in zip(calm, matcher, strict=True)]]
    for t in grid:  # lowest threshold at which the model alone rarely gives a question the urgent reply
        if np.sum(unflagged_calm >= t) <= args.false_urgent * calm.sum():
            urgent = float(t)
            break
    caught = probabilities[[r and m[0] for r, m in zip(reports, matcher, strict=True)]]
    veto = float(np.quantile(caught, VETO_QUANTILE)) if len(caught) else 0.0
    veto = min(float(np.floor(veto * 1000) / 1000), MAX_VETO)
    caution = 0.0
    for t in grid:  # highest threshold that keeps the recall
        if t > urgent:
            break
        points = OperatingPoints(caution=float(t), urgent=urgent, veto=min(veto, float(t)))
        got = decisions(
            probabilities[reports], [m for m, r in zip(matcher, reports, strict=True) if r], points
        )
        if np.mean([d in (TRIAGE_URGENT, TRIAGE_CAUTION) for d in got]) >= args.recall:
            caution = float(t)
    veto = min(veto, caution)
    points = OperatingPoints(caution=caution, urgent=urgent, veto=veto)
    print(f"operating points: caution {caution}, urgent {urgent}, veto {veto}")
    report_d = decisions(
        probabilities[reports], [m for m, r in zip(matcher, reports, strict=True) if r], points
    )
    calm_d = decisions(probabilities[calm], [m for m, c in zip(matcher, calm, strict=True) if c], points)
    n_r, n_c = len(report_d), len(calm_d)
    print("out-of-fold, at these points:")
    print(_figure("reports escalated (urgent or emergency line)", sum(d != "calm" for d in report_d), n_r))
    print(_figure("reports given the urgent reply", sum(d == TRIAGE_URGENT for d in report_d), n_r))
    print(_figure("non-reports given the urgent reply", sum(d == TRIAGE_URGENT for d in calm_d), n_c))
    print(_figure("non-reports given the emergency line", sum(d == TRIAGE_CAUTION for d in calm_d), n_c))
    missed = [t for t, d in zip(np.asarray(texts)[reports], report_d, strict=True) if d == "calm"]
    print(f"reports missed ({len(missed)}):")
    for text in missed[:40]:
        print(f"    {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
