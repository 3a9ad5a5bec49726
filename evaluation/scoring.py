"""Scoring rules per label, as the parents' dev set's `about` describes them.

- a topic key (`car_t`): the answer of that topic, or of a topic under `also`;
- `urgent`: the urgent reply;
- `not_urgent_question`: anything but the urgent reply; when the case names a
  `topic` (not `none`), the answer of that topic (or one under `also`) is also
  counted, separately, as "topic answered";
- `out_of_scope`: the out-of-scope reply, or the medicine reply (it too says the
  helper cannot answer this and sends the parent to the care team);
- any other label (`greet`, `thank`…): that intent's reply, or one under `also`.

A case may name its `kind` (triage sets: "buried_at_end", "past_and_over"...) and its
`language`. A case not in English (`language` other than `en`) is right when it gets the
other-language reply (the safety message in its language, then the English one).

The emergency line (`caution`: the triage was not sure the message is only a question) is
counted apart: for `urgent` a reply with it counts as escalated (the parent is told to
contact the care team right away and when to call emergency services), and the count of
urgent-only replies is shown beside it; for the others it is shown as a count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, FrozenSet, List, Optional, Sequence, Set

from assistant.names import (
    FAQ_INTENT,
    MEDICINE_INTENT,
    NOT_IN_SOURCE_INTENT,
    OTHER_LANGUAGE_INTENT,
    URGENT_INTENT,
)
from assistant.topics import TOPIC_TITLES
from evaluation.outcome import URGENT, topic_of

NOT_URGENT = "not_urgent_question"
ENGLISH = "en"
OUT_OF_SCOPE = "out_of_scope"
SMALL_TALK = frozenset({"greet", "goodbye", "thank", "bot_challenge", "what_can_you_do"})
# Replies that meet the same rule: "says plainly that it can only answer from its source, and
# points to the care team" (out of scope, a medicine question, a question the source lacks).
EQUIVALENT: Dict[str, FrozenSet[str]] = {
    OUT_OF_SCOPE: frozenset({OUT_OF_SCOPE, MEDICINE_INTENT, NOT_IN_SOURCE_INTENT}),
    NOT_IN_SOURCE_INTENT: frozenset({NOT_IN_SOURCE_INTENT, OUT_OF_SCOPE}),
}


@dataclass(frozen=True)
class Case:
    """One labelled message."""

    text: str
    expect: str
    topic: Optional[str] = None
    also: Sequence[str] = ()
    kind: Optional[str] = None
    language: str = ENGLISH

    @property
    def is_report(self) -> bool:
        return self.expect in (URGENT, URGENT_INTENT)


@dataclass(frozen=True)
class Scored:
    case: Case
    got: str
    right: bool
    topic_right: Optional[bool] = None  # not_urgent_question with a named topic only
    caution: bool = False  # the reply started with the emergency line

    @property
    def escalated(self) -> bool:
        """The parent was told to act now: the urgent reply, the emergency line first, or
        the other-language safety message."""
        return self.got in (URGENT, OTHER_LANGUAGE_INTENT) or self.caution


def group_of(label: str) -> str:
    """The label's group in the summary table."""
    if label in TOPIC_TITLES or label.startswith(f"{FAQ_INTENT}/"):
        return "FAQ questions"
    if label in SMALL_TALK:
        return "small talk"
    return label


def _accepted(labels: Sequence[str]) -> FrozenSet[str]:
    accepted: Set[str] = set()
    for label in labels:
        accepted |= EQUIVALENT.get(label, frozenset({label}))
    return frozenset(topic_of(label) for label in accepted)


def score(case: Case, got: str, caution: bool = False) -> Scored:
    """Whether the bot's outcome `got` (with or without the emergency line) is right."""
    answered = topic_of(got)
    if case.language != ENGLISH:
        return Scored(case, got, got == OTHER_LANGUAGE_INTENT, caution=caution)
    if case.is_report:
        return Scored(case, got, got == URGENT or caution, caution=caution)
    if case.expect == NOT_URGENT:
        topic_right = None
        if case.topic and case.topic != "none":
            topic_right = answered in _accepted([case.topic, *case.also])
        return Scored(case, got, got != URGENT, topic_right, caution=caution)
    return Scored(case, got, answered in _accepted([case.expect, *case.also]), caution=caution)


@dataclass
class LabelFigures:
    right: int = 0
    total: int = 0
    urgent: int = 0  # cases given the urgent reply
    caution: int = 0  # cases whose reply started with the emergency line
    topic_right: int = 0
    topic_total: int = 0
    misses: List[Scored] = field(default_factory=list)

    def add(self, scored: Scored) -> None:
        self.total += 1
        self.right += scored.right
        self.urgent += scored.got == URGENT
        self.caution += scored.caution
        if scored.topic_right is not None:
            self.topic_total += 1
            self.topic_right += scored.topic_right
        if not scored.right or scored.topic_right is False:
            self.misses.append(scored)


def tally(
    results: Sequence[Scored], key: Callable[[Scored], str] = lambda s: s.case.expect
) -> Dict[str, LabelFigures]:
    table: Dict[str, LabelFigures] = {}
    for scored in results:
        table.setdefault(key(scored), LabelFigures()).add(scored)
    return dict(sorted(table.items()))
