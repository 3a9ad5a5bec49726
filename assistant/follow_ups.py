"""What a follow-up message says about the topic before it: whether it leans on the last
answer ("and the lungs?", "why not?"), which topics it names, half-names, rules out or
points at ("the first one", "the other one"). Plain functions over the text, no Rasa;
`assistant.faq_context` decides the answer from them.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple

# Turns a message may refer back: the topic of the bot's answer before the latest message.
FOLLOW_UP_MAX_WORDS = 14
_STARTS = (
    "and",
    "but",
    "so",
    "also",
    "then",
    "or",
    "what about",
    "how about",
    "why not",
    "why dont",
    "why don't",
    "why wouldnt",
    "why wouldn't",
    "what if",
    "ok so",
    "okay so",
    "same",
)
# Words that point back at something already said (never he/she: they name the child).
_POINTERS = {
    "it",
    "its",
    "it's",
    "that",
    "thats",
    "that's",
    "this",
    "those",
    "these",
    "they",
    "them",
    "there",
    "one",
    "ones",
    "other",
    "same",
    "first",
    "second",
    "last",
    "either",
    "both",
}
# ...and the linking words a follow-up may have beside them without naming anything.
_LINKING = _POINTERS | {
    "about",
    "what",
    "how",
    "why",
    "not",
    "and",
    "but",
    "so",
    "also",
    "then",
    "or",
    "the",
    "a",
    "an",
    "ok",
    "okay",
    "oh",
    "if",
    "do",
    "does",
    "is",
    "are",
    "was",
    "you",
    "said",
    "mentioned",
    "other's",
    "tell",
    "me",
    "more",
    "named",
    "called",
    "again",
    "what's",
    "whats",
    "please",
    "pls",
    "can",
    "of",
}
# Topics that are alternatives of each other: after one, "the other one" / "and the lungs?"
# means another of the same family.
TOPIC_FAMILIES: Tuple[Tuple[str, ...], ...] = (
    ("symptoms_general", "symptoms_heart", "symptoms_brain", "symptoms_lungs", "symptoms_labs"),
    ("blinatumomab", "car_t"),
    ("il6_blockers", "steroids", "seizure_prevention"),
    ("treatment_overview", "supportive_care", "icu", "monitoring_tests"),
)
# The names by which an answer mentions another topic's therapy or medicine, for "the first
# one" / "the second one": the topic mentioned at that place in the last answer.
TOPIC_NAMES: Dict[str, Tuple[str, ...]] = {
    "blinatumomab": ("blinatumomab", "blincyto"),
    "car_t": ("tisagenlecleucel", "kymriah", "car t"),
    "il6_blockers": ("tocilizumab", "siltuximab", "il-6"),
    "steroids": ("steroid", "methylprednisolone", "dexamethasone"),
    "seizure_prevention": ("levetiracetam", "keppra"),
    "icu": ("intensive care",),
}
# Topics whose answer names two medicines: "the other one, not tocilizumab" is still the topic.
TWO_MEDICINE_TOPICS = ("il6_blockers", "steroids")
# The two therapies, and the two kinds of medicine that calm the immune response: after one,
# "the other one" / "the other drug" / "the remaining one" is the other.
OTHER_OF = {
    "car_t": "blinatumomab",
    "blinatumomab": "car_t",
    "il6_blockers": "steroids",
    "steroids": "il6_blockers",
}
OTHER_WORDS = frozenset({"other", "remaining"})
_NAME_PREFIX = 5  # letters of a medicine's name that name it in a follow-up
_ORDINALS = {"first": 0, "former": 0, "second": 1, "latter": -1, "last": -1}
_WORD = re.compile(r"[a-z']+")


def words(text: str) -> List[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def is_follow_up(text: str) -> bool:
    """A short message that starts like a continuation or points back at the last topic."""
    tokens = words(text)
    if not tokens or len(tokens) > FOLLOW_UP_MAX_WORDS:
        return False
    joined = " ".join(tokens)
    if any(joined == start or joined.startswith(start + " ") for start in _STARTS):
        return True
    return any(token in _POINTERS for token in tokens)


def has_own_words(text: str) -> bool:
    """False for a follow-up made only of pointing and linking words ("and the other one?")."""
    return any(token not in _LINKING for token in words(text))


def mentioned_topics(text: str) -> List[str]:
    """The topics whose therapy or medicine `text` names, in the order it names them."""
    lowered = text.lower()
    first_at = {}
    for key, names in TOPIC_NAMES.items():
        places = [lowered.find(name) for name in names if name in lowered]
        if places:
            first_at[key] = min(places)
    return sorted(first_at, key=lambda key: first_at[key])


def half_named_topics(text: str) -> List[str]:
    """Topics a message names by only the first five letters or more of a medicine or therapy
    name ("methyl something", "the dexa one"), in the order of TOPIC_NAMES. A name in full is
    left to the classifiers: "why not start on steroids" asks about the trade-offs."""
    tokens = [t for t in words(text) if len(t) >= _NAME_PREFIX]
    return [
        key
        for key, names in TOPIC_NAMES.items()
        if any(name.startswith(t) and name != t for t in tokens for name in names if " " not in name)
    ]


def excluded_topics(text: str) -> List[str]:
    """Topics the message rules out by name: "not blincyto, the other one"."""
    lowered = " ".join(words(text))
    return [
        key
        for key, names in TOPIC_NAMES.items()
        if any(f"not {name}" in lowered or f"not the {name}" in lowered for name in names)
    ]


def by_ordinal(text: str, last_answer: str) -> Optional[str]:
    """The topic "the first one" / "the second one" points at in the last answer, if any."""
    tokens = words(text)
    mentioned = mentioned_topics(last_answer)
    for token in tokens:
        if token in _ORDINALS and len(mentioned) >= 2:
            return mentioned[_ORDINALS[token]]
    return None
