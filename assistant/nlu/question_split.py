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
    "|should|has|have|was|were"
)
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


def question_parts(text: str) -> List[str]:
    """The first two questions of the message, or [] when it asks one thing (or none)."""
    sentences = [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]
    questions = [s for s in sentences if is_question(s) and _long_enough(s)]
    if len(questions) >= 2:
        return questions[:2]
    if len(questions) > 1 or not sentences:
        return []
    # One question, or an indirect one ("I'd like to know what X is and how long it lasts").
    candidate = questions[0] if questions else sentences[-1]
    pieces = [p.strip(" ,") for p in _JOIN.split(candidate) if p.strip(" ,")]
    if len(pieces) >= 2 and all(_long_enough(p) for p in pieces[:2]):
        return pieces[:2]
    return []
