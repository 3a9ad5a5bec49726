"""The triage decision: urgent reply, emergency line first, or a plain answer.

Three signals about one message, each wrong in its own way:
- the red-flag matcher (`assistant.nlu.red_flags`): sure of what its vocabulary knows,
  blind to everything else; it reads a sign as reported now or only mentioned;
- the triage model (`assistant.nlu.triage_model`): P(report) from the words, characters
  and meaning of the whole message;
- the intent classifier's top intent (`report_urgent_symptom` or another).

| matcher                | model P(report)     | classifier top | decision |
|------------------------|---------------------|----------------|----------|
| a sign reported now    | >= veto             | any            | urgent   |
| a sign reported now    | < veto (disagree)   | any            | caution  |
| signs only mentioned   | >= urgent (disagree)| any            | caution  |
| no sign named          | >= urgent           | any            | urgent   |
| no sign named          | < urgent (not sure) | urgent         | caution  |
| signs only mentioned   | < caution           | urgent         | calm     |
| any                    | >= caution (unsure) | other          | caution  |
| any                    | < caution           | other          | calm     |

So the urgent reply alone needs the matcher (not overruled by the model) or a sure model;
the classifier's urgent guess alone never gives it, nor is it ever dropped without the model
and the matcher agreeing that the message is calm.

`urgent`: the urgent reply. `caution`: the emergency line first, then the answer of the
best intent other than the urgent one. `calm`: that intent's answer. Without a model
probability (an old model), the matcher and classifier decide as before: a report or an
urgent top intent with no sign named is urgent, signs only mentioned are calm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from assistant.names import TRIAGE_CALM, TRIAGE_CAUTION, TRIAGE_URGENT


@dataclass(frozen=True)
class OperatingPoints:
    """Thresholds on the model's P(report), chosen by `python -m evaluation.choose_triage`."""

    caution: float
    urgent: float
    veto: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.veto <= self.caution <= self.urgent <= 1.0:
            raise ValueError(f"triage thresholds need 0 <= veto <= caution <= urgent <= 1, got {self}")


@dataclass(frozen=True)
class Signals:
    matcher_reports: bool
    matcher_mentions: bool
    classifier_urgent: bool
    probability: Optional[float]


def decide(signals: Signals, points: OperatingPoints) -> str:
    """`urgent`, `caution` or `calm` for one message (the table above)."""
    p = signals.probability
    if p is None:
        if signals.matcher_reports:
            return TRIAGE_URGENT
        if signals.classifier_urgent and not signals.matcher_mentions:
            return TRIAGE_URGENT
        return TRIAGE_CALM
    if signals.matcher_reports:
        return TRIAGE_URGENT if p >= points.veto else TRIAGE_CAUTION
    if p >= points.urgent:
        return TRIAGE_CAUTION if signals.matcher_mentions else TRIAGE_URGENT
    if signals.classifier_urgent and not signals.matcher_mentions:
        return TRIAGE_CAUTION
    return TRIAGE_CAUTION if p >= points.caution else TRIAGE_CALM
