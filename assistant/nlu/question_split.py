"""The two questions of a message that asks two things, in the order asked; plain text rules.

A message is split only where a second question clearly starts:
- at a sentence end, when both sentences are questions ("What is CRS? How long does it
  last?"; a sentence of background such as "We start CAR T next week." is not a question);
- in one question (or, without one, the last sentence: "I'd like to know what CRS is and how
  long it lasts"), at "and", "also", "plus", "&" or a comma followed by a question word
  ("which tests do they do and will she need the ICU").
Each part needs at least two words. The FAQ selector then classifies each part on its own
(`assistant.nlu.faq_selector`); the message gets two answers only when the parts get two
different answers, each confidently.
"""

from __future__ import annotations

import re
from typing import List

QUESTION_WORDS = (
    "what|whats|what's|wat|how|hw|when|why|which|who|where|will|would|does|do|did|is|are|r|can|could"
    "|should|has|have|was|were|whether"
)
_ASKING = re.compile(
    r"\b(?:what|how|when|why|which|who|where|whether|tell me|explain|know|learn|understand)\b"
)
_AND = re.compile(r"\s+(?:and|n|&|vs\.?|versus|or)\s+")
_SENTENCE_END = re.compile(r"(?<=[?!.;])\s+")
_JOIN = re.compile(
    rf"(?:,\s*|\s+)(?:and|also|plus|n|&|and also)\s+(?=(?:{QUESTION_WORDS})\b)|,\s+(?=(?:{QUESTION_WORDS})\b)"
)
_STARTS_AS_QUESTION = re.compile(
    rf"^(?:(?:and|also|plus|so|but|ok|okay|oh)\s+)?(?:{QUESTION_WORDS}|tell me|explain)\b"
)
MIN_WORDS = 2


def is_question(sentence: str) -> bool:
    text = sentence.strip().lower()
    return text.endswith("?") or bool(_STARTS_AS_QUESTION.match(text))


def _long_enough(part: str) -> bool:
    return len(re.findall(r"\w+", part)) >= MIN_WORDS


def asking_sentence(sentences: List[str]) -> str:
    """Without a question, the last sentence that asks indirectly ("I'd like to know what X is
    and how long it lasts"; "We would be grateful to learn whether ...")."""
    for sentence in reversed(sentences):
        if _ASKING.search(sentence.lower()):
            return sentence
    return sentences[-1]


def coordinated_parts(text: str) -> List[str]:
    """One question about two things joined by "and" ("How can CRS affect the kidneys and the
    nerves?"): the two sides, for the selector to check against the whole message's answers."""
    sentences = [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]
    if not sentences:
        return []
    questions = [s for s in sentences if is_question(s)]
    candidate = questions[-1] if questions else asking_sentence(sentences)
    pieces = _AND.split(candidate, maxsplit=1)
    if len(pieces) == 2 and all(re.search(r"\w", p) for p in pieces):
        return [p.strip(" ,") for p in pieces]
    return []


def question_parts(text: str) -> List[str]:
    """The first two questions of the message, or [] when it asks one thing (or none)."""
    sentences = [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]
    questions = [s for s in sentences if is_question(s) and _long_enough(s)]
    if len(questions) >= 2:
        return questions[:2]
    if len(questions) > 1 or not sentences:
        return []
    candidate = questions[0] if questions else asking_sentence(sentences)
    pieces = [p.strip(" ,") for p in _JOIN.split(candidate) if p.strip(" ,")]
    if len(pieces) >= 2 and all(_long_enough(p) for p in pieces[:2]) and _asks(pieces[0]):
        return pieces[:2]
    return []


def _asks(part: str) -> bool:
    """A clause that asks something (not a condition such as "if it gets worse")."""
    return is_question(part) or bool(_ASKING.search(part.lower()))
