"""Names in a message: the cues, the passes over the tokens, and ages after a name."""

from __future__ import annotations

import re
from collections.abc import Iterable

from web.console.privacy.name_judge import (
    _NameJudge,
)
from web.console.privacy.patterns import (
    _AGE_AFTER_RES,
    _AGE_CUE_RE,
    _CUE_GAP_RE,
    _CUE_RES,
)
from web.console.privacy.spans import (
    Span,
)


class _NameFinder(_NameJudge):
    """The passes over a message: cued names, uncued names, surnames, ages after a name."""

    # -- the passes
    def _cues(self) -> dict[int, tuple[str, Span | None]]:
        starts = {token.start: index for index, token in enumerate(self.tokens)}
        order = {"weak": 0, "title": 1, "strong": 2}
        cued: dict[int, tuple[str, Span | None]] = {}

        def mark(end: int, strength: str, age: Span | None = None) -> None:
            gap = _CUE_GAP_RE.match(self.text, end)
            position = gap.end() if gap else end
            index = starts.get(position)
            if index is None:
                return
            if index in cued and order[cued[index][0]] >= order[strength] and age is None:
                return
            cued[index] = (strength, age)

        for pattern, strength in _CUE_RES:
            for match in pattern.finditer(self.text):
                mark(match.end(), strength)
        for match in _AGE_CUE_RE.finditer(self.text):
            mark(match.end(), "strong", Span(match.start(1), match.end(1), "age"))
        return cued

    def _accept(self, i: int, kind: str) -> None:
        self.kinds.setdefault(i, kind)

    def _extend(self, i: int, kind: str, strength: str | None) -> None:
        """Surnames, middle names and "X and Y" after an accepted name."""
        j = i
        for _ in range(2):
            following = self._next(j)
            gap = self._gap_after(j)
            if following is None or not re.fullmatch(r" {1,2}|-", gap) or not self._surname(following):
                break
            j += 1
            self._accept(j, kind)
        if strength is None:
            return
        gap = self._gap_after(j)
        following = self._next(j)
        if (
            following is not None
            and re.fullmatch(r"\s{0,2}(?:,|&|and)\s{0,2}", gap)
            and following.capitalised
            and self.lex.first(following.lower)
            and self._cued(j + 1, strength)
        ):
            self._accept(j + 1, kind)

    def find(self) -> list[Span]:
        cued = self._cues()
        for i in range(len(self.tokens)):
            if i in self.kinds:
                continue
            cue = cued.get(i)
            kind = "clinician" if cue and cue[0] == "title" else "name"
            if cue and self._cued(i, cue[0]):
                self._accept(i, kind)
                if cue[1] is not None:
                    self.spans.append(cue[1])
                self._extend(i, kind, cue[0])
            elif self._uncued(i):
                self._accept(i, "name")
                self._extend(i, "name", None)
        # a name found once is hidden everywhere in the message
        found = {self.tokens[i].lower for i in self.kinds}
        found = {w for w in found if not self.lex.ordinary(w) and len(w) > 2}
        for i, token in enumerate(self.tokens):
            if i not in self.kinds and token.lower in found:
                self._accept(i, "name")
        for i, kind in self.kinds.items():
            token = self.tokens[i]
            end = token.end - 2 if token.possessive else token.end  # "<NAME>'s mom"
            self.spans.append(Span(token.start, end, kind))
            self.spans.extend(self._age_after(i))
        return self.spans

    def _age_after(self, i: int) -> Iterable[Span]:
        """``Liam, 6,`` / ``emma is 6`` / ``Maya Patel, age 10``: the age is personal data too."""
        if i + 1 in self.kinds and self._gap_after(i).strip() == "":
            return  # the age follows the last word of the name
        token = self.tokens[i]
        if token.possessive:
            return
        for pattern in _AGE_AFTER_RES:
            match = pattern.match(self.text, token.end)
            if match and int(match.group(1)) <= 21:
                yield Span(match.start(1), match.end(1), "age")
                return
