"""A message's words as tokens: lower-cased, folded, possessive, at a sentence start."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# --------------------------------------------------------------------------- tokens
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_SENTENCE_END_RE = re.compile(r"[.!?\n]")
_ALNUM_RE = re.compile(r"[^\W_]")


@dataclass
class _Token:
    start: int
    end: int
    text: str
    lower: str  # without a possessive 's, apostrophes normalised
    possessive: bool
    sentence_start: bool

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper() and not (len(self.lower) > 1 and self.text.isupper())

    @property
    def all_caps(self) -> bool:
        return len(self.lower) > 1 and self.text.isupper()


def _fold(word: str) -> str:
    """Lower case without accents, as the lists are: "Zoë" -> "zoe"."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    previous_end = 0
    for match in _WORD_RE.finditer(text):
        word = match.group().replace("’", "'")
        possessive = len(word) > 3 and word.lower().endswith("'s")
        base = word[:-2] if possessive else word
        gap = text[previous_end : match.start()]
        # the first word (unless a number stands before it) or a word after . ! ? or a new line
        sentence_start = _SENTENCE_END_RE.search(gap) is not None if tokens else _ALNUM_RE.search(gap) is None
        tokens.append(
            _Token(match.start(), match.end(), match.group(), _fold(base), possessive, sentence_start)
        )
        previous_end = match.end()
    return tokens
