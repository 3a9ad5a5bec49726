"""The evaluation sets stay apart from the training data.

A triage evaluation message within a small edit distance of a training example (the NLU
data or the triage corpus) would measure memory, not understanding: the test fails and
names both. Texts are compared lowercased, with punctuation and spacing removed.
"""

from __future__ import annotations

import re
from typing import List, Tuple

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cdist

from assistant.nlu.triage_model import read_corpus
from evaluation.sets import load_cases
from tests.helpers import ROOT

# At most a fifth of the longer text changed: "his temp is 39.5 rn" and "His temp is 39.5!!"
# are one example, "his temp is 39.5" and "her temp is 38.1" are not.
MAX_NORMALISED_DISTANCE = 0.2
EVALUATION = sorted((ROOT / "tests" / "data" / "triage").glob("*.yml"))
CONVERSATIONS = sorted((ROOT / "tests" / "data" / "conversation").glob("*.yml"))


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def training_texts() -> List[str]:
    texts, _ = read_corpus(ROOT / "data" / "triage")
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        texts.extend(case.text for case in load_cases(path))
    return texts


def near_duplicates(evaluation: List[str], training: List[str]) -> List[Tuple[str, str, float]]:
    left, right = [normalise(t) for t in evaluation], [normalise(t) for t in training]
    distances = cdist(
        left, right, scorer=Levenshtein.normalized_distance, score_cutoff=MAX_NORMALISED_DISTANCE, workers=-1
    )
    pairs = []
    for i, j in zip(*(distances <= MAX_NORMALISED_DISTANCE).nonzero(), strict=True):
        pairs.append((evaluation[i], training[j], round(float(distances[i, j]), 3)))
    return pairs


def test_the_rule_catches_a_near_copy_and_spares_a_new_message():
    assert near_duplicates(["His temp is 39.5!!"], ["his temp is 39.5 rn", "what is crs"]) == [
        ("His temp is 39.5!!", "his temp is 39.5 rn", 0.158)
    ]
    assert near_duplicates(["her temp is 38.1"], ["his temp is 39.5"]) == []


def test_no_evaluation_message_is_a_near_copy_of_a_training_example():
    assert EVALUATION, "no triage evaluation sets in tests/data/triage"
    evaluation = [case.text for path in EVALUATION for case in load_cases(path)]
    assert near_duplicates(evaluation, training_texts()) == []


def test_no_measured_conversation_message_is_a_near_copy_of_a_training_example():
    """The measured turns: every follow-up, every single message. A conversation's first turn
    only sets the context and is not counted in the figures, so it may be a common question."""
    from evaluation.conversations import load_conversations

    assert CONVERSATIONS, "no conversation sets in tests/data/conversation"
    conversations = [c for path in CONVERSATIONS for c in load_conversations(path)]
    texts = [turn.text for c in conversations for turn in (c.turns[1:] if len(c.turns) > 1 else c.turns)]
    assert len([c for c in conversations if len(c.turns) > 1]) >= 60
    assert len(texts) >= 60 + 40 + 60
    assert near_duplicates(texts, training_texts()) == []
