"""Whether one token of a message is a name: after a cue, without one, as a surname."""

from __future__ import annotations

import re

from web.console.privacy.patterns import (
    _STATE_NAMES,
)
from web.console.privacy.spans import (
    Span,
)
from web.console.privacy.tokens import (
    _Token,
    _tokens,
)
from web.console.privacy.words import (
    _DETERMINERS,
    _KIN_AFTER,
    _MONTHS_DAYS,
    _STRONG_FOLLOWERS,
    _SUBJECT_FOLLOWERS,
    _Lexicon,
)


# --------------------------------------------------------------------------- names
class _NameJudge:
    """The tokens of one message, and whether each token is a name (with or without a cue)."""

    def __init__(self, text: str, lexicon: _Lexicon) -> None:
        self.text = text
        self.lex = lexicon
        self.tokens = _tokens(text)
        self.kinds: dict[int, str] = {}  # token index -> "name" or "clinician"
        self.spans: list[Span] = []

    # -- helpers
    def _next(self, i: int) -> _Token | None:
        return self.tokens[i + 1] if i + 1 < len(self.tokens) else None

    def _gap_after(self, i: int) -> str:
        end = self.tokens[i + 1].start if i + 1 < len(self.tokens) else len(self.text)
        return self.text[self.tokens[i].end : end]

    def _gap_before(self, i: int) -> str:
        start = self.tokens[i - 1].end if i > 0 else 0
        return self.text[start : self.tokens[i].start]

    def _followed_like_subject(self, i: int, strong_only: bool = False) -> bool:
        token = self.tokens[i]
        if token.possessive:
            return True
        gap = self._gap_after(i)
        following = self._next(i)
        if strong_only:
            return following is not None and gap.strip() == "" and following.lower in _STRONG_FOLLOWERS
        if re.match(r"\s{0,2},\s{0,2}\d{1,2}\s{0,2}[,)]", gap):
            return True  # "Liam, 6, ..."
        if following is None or gap.strip() != "":
            return False
        word = following.text.lower().replace("’", "'")
        if word in _SUBJECT_FOLLOWERS:
            return True
        if len(word) > 4 and word.endswith("ed") and self.lex.ordinary(word):
            return True  # "Emma vomited"
        if word == "and":
            after = self._next(i + 1)
            return after is not None and (after.text in ("I", "i", "me") or self._capital_name(after))
        # "Olivia Martinez born...": followed by a surname
        surname = self.lex.last(following.lower) and not self.lex.ordinary(following.lower)
        return following.capitalised and surname

    def _capital_name(self, token: _Token) -> bool:
        return token.capitalised and self.lex.first(token.lower) and token.lower not in self.lex.never

    # -- judging one token
    def _cued(self, i: int, strength: str) -> bool:
        token = self.tokens[i]
        word = token.lower
        if len(word) < 2 or word in self.lex.never:
            return False
        if token.all_caps:
            return self.lex.first(word) and not self.lex.ordinary(word)
        if token.capitalised:
            if self.lex.listed(word) or not self.lex.ordinary(word):
                return True
            # "this is Ana Lopez": an ordinary word followed by a surname
            following = self._next(i)
            return bool(
                following is not None
                and following.capitalised
                and self.lex.last(following.lower)
                and not self.lex.ordinary(following.lower)
            )
        if self.lex.first(word) and not self.lex.ordinary(word):
            return True
        if strength == "weak":
            return False
        if strength == "title" and self.lex.last(word) and not self.lex.ordinary(word):
            return True
        return (
            len(word) > 2 and self.lex.unknown(word) and not word.endswith(("ing", "ed")) and "-" not in word
        )

    def _uncued(self, i: int) -> bool:
        token = self.tokens[i]
        word = token.lower
        if len(word) < 2 or word in self.lex.never or word in _MONTHS_DAYS or token.all_caps:
            return False
        kin_follows = self._kin_follows(i)
        if token.capitalised:
            if kin_follows and not self.lex.ordinary(word):
                return True
            if not self.lex.first(word):
                return False
            ordinary = self.lex.ordinary(word)
            if not token.sentence_start:
                # "we are in Texas now": a state is not personal data
                previous = self.tokens[i - 1].lower if i > 0 else ""
                after_preposition = previous in ("in", "from", "to", "near", "of", "at")
                return not (after_preposition and re.fullmatch(_STATE_NAMES, token.text))
            if ordinary:
                return self._followed_like_subject(i, strong_only=True) or kin_follows
            return self._followed_like_subject(i) or kin_follows
        # lower case
        if not self.lex.first(word) or self.lex.ordinary(word) or len(word) < 3:
            return False
        if i > 0 and self.tokens[i - 1].lower in _DETERMINERS and self._gap_before(i).strip() == "":
            return False
        return kin_follows or self._followed_like_subject(i)

    def _kin_follows(self, i: int) -> bool:
        """``X's mom`` or ``Xs mom``."""
        token = self.tokens[i]
        following = self._next(i)
        if following is None or self._gap_after(i).strip() != "" or following.lower not in _KIN_AFTER:
            return False
        if token.possessive:
            return True
        word = token.lower
        return word.endswith("s") and len(word) > 3 and self.lex.first(word[:-1])

    def _surname(self, token: _Token) -> bool:
        word = token.lower
        if len(word) < 2 or word in self.lex.never or word in _KIN_AFTER:
            return False
        if token.all_caps:
            return False
        if token.capitalised:
            return self.lex.listed(word) or not self.lex.ordinary(word)
        return self.lex.last(word) and not self.lex.ordinary(word)
