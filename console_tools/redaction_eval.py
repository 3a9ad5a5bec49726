"""Measure redaction on labelled messages: recall per kind, and words hidden wrongly.

The labelled set is YAML (tests/web/console/data/personal_data.yml)::

    messages:
      - text: "my son Liam has a fever of 39.6"
        pii: {name: [Liam]}
      - text: "fever 39.6 at 3am is that crs"      # no personal data

A labelled substring (each of its occurrences) counts as hidden when every letter
and digit of it lies inside a span found by ``find_personal_data``. A word counts
as wrongly hidden when it overlaps a found span but no labelled substring.

Run ``python -m console_tools.redaction_eval [path]`` to print the figures.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from web.console.privacy import Span, find_personal_data, redact

DEFAULT_SET = Path(__file__).resolve().parents[1] / "tests/web/console/data/personal_data.yml"
_WORD_RE = re.compile(r"[\w'’.-]*\w")


@dataclass(frozen=True)
class Case:
    text: str
    pii: dict[str, list[str]]


@dataclass
class Report:
    found: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # kind, substring, redacted text
    wrongly_hidden: list[tuple[str, str]] = field(default_factory=list)  # word, redacted text
    messages: int = 0
    clean_messages: int = 0
    clean_changed: int = 0  # messages without personal data that were changed

    @property
    def recall(self) -> float:
        total = sum(self.total.values())
        return sum(self.found.values()) / total if total else 1.0

    def recall_of(self, kind: str) -> float:
        return self.found[kind] / self.total[kind] if self.total[kind] else 1.0

    def lines(self) -> list[str]:
        out = [
            f"{self.messages} messages ({self.clean_messages} without personal data), "
            f"{sum(self.total.values())} labelled spans",
            f"recall overall: {sum(self.found.values())}/{sum(self.total.values())} = {self.recall:.1%}",
        ]
        for kind in sorted(self.total):
            out.append(f"  {kind:<10} {self.found[kind]:>3}/{self.total[kind]:<3} {self.recall_of(kind):.1%}")
        out.append(f"misses: {len(self.misses)}")
        out.extend(f"  [{kind}] {value!r} in: {redacted}" for kind, value, redacted in self.misses)
        out.append(
            f"wrongly hidden words: {len(self.wrongly_hidden)} "
            f"(messages without personal data changed: {self.clean_changed}/{self.clean_messages})"
        )
        out.extend(f"  {word!r} in: {redacted}" for word, redacted in self.wrongly_hidden)
        return out


def load_cases(path: Path = DEFAULT_SET) -> list[Case]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for entry in data["messages"]:
        pii = {kind: [str(v) for v in values] for kind, values in (entry.get("pii") or {}).items()}
        cases.append(Case(str(entry["text"]), pii))
    return cases


def _covered(start: int, end: int, text: str, spans: list[Span]) -> bool:
    return all(any(s.start <= k < s.end for s in spans) for k in range(start, end) if text[k].isalnum())


def evaluate(cases: Iterable[Case], find: Callable[[str], list[Span]] = find_personal_data) -> Report:
    report = Report()
    for case in cases:
        report.messages += 1
        spans = find(case.text)
        redacted = redact(case.text)
        labelled: list[tuple[int, int]] = []
        for kind, values in case.pii.items():
            for value in values:
                for match in re.finditer(re.escape(value), case.text):
                    labelled.append((match.start(), match.end()))
                    report.total[kind] += 1
                    if _covered(match.start(), match.end(), case.text, spans):
                        report.found[kind] += 1
                    else:
                        report.misses.append((kind, value, redacted))
        if not case.pii:
            report.clean_messages += 1
            report.clean_changed += bool(spans)
        for word in _WORD_RE.finditer(case.text):
            hidden = any(s.start < word.end() and word.start() < s.end for s in spans)
            personal = any(a < word.end() and word.start() < b for a, b in labelled)
            if hidden and not personal:
                report.wrongly_hidden.append((word.group(), redacted))
    return report


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT_SET
    print("\n".join(evaluate(load_cases(path)).lines()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
