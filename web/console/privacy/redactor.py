"""The public API: ``find_personal_data`` and ``redact``."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from web.console.privacy.detection import (
    _regex_spans,
)
from web.console.privacy.name_lists import word_lists
from web.console.privacy.names import (
    _NameFinder,
)
from web.console.privacy.spans import (
    PLACEHOLDERS,
    Span,
)
from web.console.privacy.words import (
    _Lexicon,
)


# --------------------------------------------------------------------------- API
def _merge(spans: Iterable[Span], text: str) -> list[Span]:
    """Sorted, non-overlapping spans; two name parts separated by spaces become one."""
    ordered = sorted(spans, key=lambda s: (s.start, -(s.end - s.start)))
    merged: list[Span] = []
    for span in ordered:
        if span.end <= span.start:
            continue
        if merged:
            last = merged[-1]
            same_person = (
                {last.kind, span.kind} <= {"name", "clinician"}
                and text[last.end : span.start].strip(" -") == ""
                and span.start - last.end <= 2
            )
            if span.start < last.end or same_person:
                longer = last if (last.end - last.start) >= (span.end - span.start) else span
                merged[-1] = Span(last.start, max(last.end, span.end), longer.kind)
                continue
        merged.append(span)
    return merged


def find_personal_data(text: str | None) -> list[Span]:
    """The personal data in ``text``: sorted, non-overlapping spans with their kind."""
    if not text:
        return []
    lexicon = _lexicon()
    spans = _regex_spans(text, lexicon)
    spans += _NameFinder(text, lexicon).find()
    return _merge(spans, text)


def redact(text: str | None) -> str:
    """``text`` with personal data replaced by placeholders such as ``<NAME>``."""
    if not text:
        return ""
    pieces: list[str] = []
    position = 0
    for span in find_personal_data(text):
        pieces.append(text[position : span.start])
        pieces.append(PLACEHOLDERS[span.kind])
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    return _Lexicon(word_lists())
