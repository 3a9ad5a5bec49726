"""Review: each correction shown with what the training data already says about its text,
then accepted, rejected or edited (or all taken at their default without questions).

An example already present under the same intent is skipped. One present under a different
intent (a conflict), or found in a held-out evaluation set, is shown and rejected by default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

from curation.corrections import Correction, clean_example
from curation.training_data import Index, Known, example_key

# The console exports parents' words redacted: "<NAME> has a fever" (web/console/privacy/).
_PLACEHOLDER = re.compile(r"<[A-Z]+>")
Ask = Callable[[str], str]
Say = Callable[[str], None]


@dataclass(frozen=True)
class Finding:
    duplicate: Optional[Known] = None  # the same example under the same intent
    conflicts: List[Known] = field(default_factory=list)  # the same text under other intents
    held_out: Optional[str] = None  # the held-out set holding the text

    @property
    def risky(self) -> bool:
        return bool(self.conflicts) or self.held_out is not None


@dataclass
class Outcome:
    accepted: List[Correction] = field(default_factory=list)
    rejected: List[Correction] = field(default_factory=list)
    skipped: List[Correction] = field(default_factory=list)  # already in the training data
    not_reviewed: List[Correction] = field(default_factory=list)  # after a quit


def classify(correction: Correction, index: Index, held_out: Dict[str, str]) -> Finding:
    known = index.find(correction.text)
    same = [k for k in known if k.intent == correction.intent]
    return Finding(
        duplicate=same[0] if same else None,
        conflicts=[k for k in known if k.intent != correction.intent],
        held_out=held_out.get(example_key(correction.text)),
    )


def describe(position: str, correction: Correction, finding: Finding, target: Path) -> List[str]:
    lines = [f"{position} {correction.intent}  ->  {target.name}", f"    {correction.text}"]
    for known in finding.conflicts:
        lines.append(f"    CONFLICT: already an example of {known.intent} in {known.path.name}: {known.text}")
    for placeholder in dict.fromkeys(_PLACEHOLDER.findall(correction.text)):
        lines.append(f"    NOTE: {placeholder} is the console's redaction: e to write a made-up one instead")
    if finding.held_out is not None:
        lines.append(
            f"    HELD-OUT: this text is in the evaluation set {finding.held_out}; "
            "training on it would inflate the evaluation"
        )
    return lines


def review(
    corrections: Sequence[Correction],
    index: Index,
    held_out: Dict[str, str],
    target: Callable[[str], Path],
    say: Say,
    ask: Optional[Ask] = None,
) -> Outcome:
    """Every correction once, in order. With no ``ask`` each takes its default (new ones
    accepted, conflicts and held-out texts rejected). An accepted example joins ``index``, so a
    repeat later in the file is skipped and the same text under another intent is a conflict."""
    outcome = Outcome()
    for number, original in enumerate(corrections, start=1):
        position = f"[{number}/{len(corrections)}]"
        current = original
        while True:
            finding = classify(current, index, held_out)
            if finding.duplicate is not None:
                where = finding.duplicate.path.name
                say(f"{position} skipped, already an example of {current.intent} in {where}: {current.text}")
                outcome.skipped.append(current)
                break
            for line in describe(position, current, finding, target(current.intent)):
                say(line)
            answer = _answer(ask, finding.risky) if ask is not None else ("n" if finding.risky else "y")
            if answer == "e" and ask is not None:
                current = _edited(ask, current)
                continue
            if answer == "q":
                outcome.not_reviewed.extend(corrections[number - 1 :])
                say(f"    quit: {len(outcome.not_reviewed)} correction(s) left out")
                return outcome
            if answer == "y":
                outcome.accepted.append(current)
                index.add(Known(current.intent, target(current.intent), current.text))
                say("    accepted")
            elif answer == "n":
                outcome.rejected.append(current)
                say("    rejected")
            else:
                say("    please answer y (accept), n (reject), e (edit the text) or q (quit)")
                continue
            break
    return outcome


def _answer(ask: Ask, risky: bool) -> str:
    """y, n, e or q; Enter takes the default (n for a conflict or a held-out text); end of input quits."""
    choices = "[y/N/e/q]" if risky else "[Y/n/e/q]"
    try:
        answer = ask(f"    accept? {choices} (yes, no, edit the text, quit) ").strip().lower()
    except EOFError:
        return "q"
    return answer[:1] or ("n" if risky else "y")


def _edited(ask: Ask, correction: Correction) -> Correction:
    """The correction with the text typed in; unchanged when nothing is typed."""
    try:
        text = clean_example(ask(f"    new text for {correction.intent}: "))
    except EOFError:
        text = ""
    return Correction(correction.intent, text) if text else correction
