"""Red-flag matcher: finds reports of worrying symptoms happening to a child now.

Second, independent safety layer beside the trained `report_urgent_symptom` intent
(see `assistant/nlu/red_flag_classifier.py`). It reads the symptom entities set by
the project's spaCy pipeline and looks at their clause for context:

- a specific person ("my son", "she", "Liam") with a present or just-past verb
  ("is", "has", "can't", "keeps", "fainted", "shaking") -> a report;
- a fever with a measured temperature ("temp 39.5", "102F") -> a report;
- a "now" word ("right now", "help", "911") -> a report;
- but not a hypothetical or general question ("if she gets a fever",
  "can CRS cause seizures?", "will he have seizures?");
- nor a negated sign ("no fever so far", "she's never had a seizure"), a past
  one that is over ("she had a fever on day 5 but it went away"), the parent's
  own feelings ("I can't breathe when I think about it"), or someone else's
  child ("my friend's son had a seizure").

A message is checked clause by clause, so "his temp is 39.5 and he's confused,
is that CRS?" is a report even though it also asks an FAQ question, and "the
fever went away but now he's confused" is a report too.

`assess` returns both the reports and the sign mentions it judged not to be
reports, with the reason: the NLU component uses the second list to let a
question that names a sign get its answer (see `assistant/nlu/red_flag_classifier.py`).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence, Tuple

from spacy.tokens import Doc, Span, Token

from assistant.names import SYMPTOM_LABEL
from assistant.nlu.medical_terms import emergency_categories
from assistant.nlu.red_flag_clauses import (
    Message,
    distant_past_in,
    has_now_word,
    is_hypothetical,
    is_negated,
    is_subject,
    lower_words,
    measured_fever,
    named_signs,
    names_something_else,
    near_any,
    read_message,
    resolved_right_after,
)
from assistant.nlu.red_flag_words import (
    CHILD_NOUNS,
    CLAUSE_BREAKS,
    FILLERS,
    FIRST_PERSON,
    GENERIC_SIGNS,
    NEGATION_CUES,
    PARENT_BODY,
    PAST_WORDS,
    POSSESSIVES,
    PRESENT_STATE,
    THIRD_PARTY_RE,
)


@dataclass(frozen=True)
class RedFlag:
    """One symptom reported as happening now."""

    category: str
    text: str
    reason: str

    @property
    def emergency(self) -> bool:
        return self.category in emergency_categories()


@dataclass(frozen=True)
class Mention:
    """A sign named in a message but judged not to be a report of it happening now."""

    category: str
    text: str
    reason: str


@dataclass(frozen=True)
class Assessment:
    """The reports in a message, and the sign mentions that are not reports."""

    reports: List[RedFlag]
    mentions: List[Mention]


NEGATED = "negated"
PAST_AND_OVER = "past and over"
PARENTS_FEELING = "the parent's own feeling"
SOMEONE_ELSE = "someone else's child"
HYPOTHETICAL_QUESTION = "hypothetical or general question"
NO_REPORT_CONTEXT = "no report context"
OTHER_USE = "a sign word naming something else"


def find_red_flags(doc: Doc) -> List[RedFlag]:
    """All red flags in a processed message (empty when it is not a report)."""
    return assess(doc).reports


def assess(doc: Doc) -> Assessment:
    """Reports of signs happening now, and the other sign mentions with the reason they are not.

    Linear in the message's length: what a clause needs of the whole message (its sentence, the
    question words before it, the message's wording) is read once, in `read_message`.
    """
    message = read_message(doc)
    if THIRD_PARTY_RE.search(doc.text.lower()):
        # "my friend's son had seizures after car t": about someone else's child.
        # The trained urgent intent still catches a real report phrased this way.
        return Assessment([], _mentions(named_signs(_symptoms(message, doc[:]), None), SOMEONE_ELSE))
    reports: List[RedFlag] = []
    mentions: List[Mention] = _no_symptoms(doc)
    for clause in _clauses(doc):
        clause_reports, clause_mentions = _judge_clause(message, clause)
        reports.extend(clause_reports)
        mentions.extend(clause_mentions)
    return Assessment(reports, mentions)


def is_emergency(flags: Iterable[RedFlag]) -> bool:
    """True when any flag calls for emergency services (breathing, seizure, hard to wake)."""
    return any(flag.emergency for flag in flags)


def _clauses(doc: Doc) -> List[Span]:
    spans: List[Span] = []
    start = 0
    for token in doc:
        if token.lower_ in CLAUSE_BREAKS and not _inside_symptom(token):
            if token.i > start:
                spans.append(doc[start : token.i])
            start = token.i + 1
    if start < len(doc):
        spans.append(doc[start:])
    return spans


def _inside_symptom(token: Token) -> bool:
    """Part of a sign phrase: "so" in "so sleepy" or "and" in "shaking and won't stop" breaks no clause."""
    return token.ent_type_ == SYMPTOM_LABEL


def _no_symptoms(doc: Doc) -> List[Mention]:
    """ "no symptoms right now", "hasn't had any signs": signs in general, negated."""
    return [
        Mention("any", token.text, NEGATED)
        for token in doc
        if token.lower_ in GENERIC_SIGNS
        and any(t.lower_ in NEGATION_CUES for t in doc[max(0, token.i - 3) : token.i])
    ]


def _judge_clause(message: Message, clause: Span) -> Tuple[List[RedFlag], List[Mention]]:
    symptoms: List[Span] = []
    other_words: List[Span] = []
    for ent in _sign_words(message, clause):
        (other_words if names_something_else(ent) else symptoms).append(ent)
    other_uses = _mentions(named_signs(other_words, None), OTHER_USE)
    measured = measured_fever(clause)
    reports, mentions = _judge_signs(message, clause, symptoms, measured)
    return reports, other_uses + mentions


def _judge_signs(
    message: Message, clause: Span, symptoms: List[Span], measured: Optional[Token]
) -> Tuple[List[RedFlag], List[Mention]]:
    signs = named_signs(symptoms, measured)
    if not signs:
        return [], []
    if _is_parents_feeling(message, clause, symptoms):
        return [], _mentions(signs, PARENTS_FEELING)
    over, measured_over = _over_signs(message, clause, symptoms)
    mentions = _mentions(named_signs(over, measured if measured_over else None), PAST_AND_OVER)
    symptoms = _without(symptoms, over)
    if measured_over:
        measured = None
    negated = [ent for ent in symptoms if is_negated(clause, ent)]
    mentions += _mentions(named_signs(negated, None), NEGATED)
    symptoms = _without(symptoms, negated)
    remaining = named_signs(symptoms, measured)
    if not remaining:
        return [], mentions
    if is_hypothetical(clause, symptoms, measured.i if measured is not None else None):
        return [], mentions + _mentions(remaining, HYPOTHETICAL_QUESTION)
    reason = _report_reason(message, clause, symptoms, measured.text if measured is not None else None)
    sentence_start = message.sentence_start[clause.start]
    if (
        reason is None
        and symptoms
        and not message.asks_between(clause.start, clause.end)
        and not message.asks_between(sentence_start, symptoms[0].start)
        and _has_subject_with_state(message, sentence_start, clause.end, symptoms)
    ):
        # "he's really sleepy and floppy": the subject sits in an earlier clause of the sentence.
        reason = "person with present state"
    if reason is None and _is_statement_fragment(message, clause, symptoms):
        reason = "symptom stated without a question"
    if reason is None:
        return [], mentions + _mentions(remaining, NO_REPORT_CONTEXT)
    return [RedFlag(category, text, reason) for category, text in remaining], mentions


def _without(symptoms: Sequence[Span], left_out: Sequence[Span]) -> List[Span]:
    """The symptoms not in `left_out` (entities never overlap: one start is one entity)."""
    starts = {ent.start for ent in left_out}
    return [ent for ent in symptoms if ent.start not in starts]


def _symptoms(message: Message, span: Span) -> List[Span]:
    """The signs in a span, leaving out sign words that name something else."""
    return [ent for ent in _sign_words(message, span) if not names_something_else(ent)]


def _sign_words(message: Message, span: Span) -> List[Span]:
    """The symptom entities inside a span (sorted and never overlapping: found by bisection)."""
    found: List[Span] = []
    for index in range(bisect_left(message.sign_starts, span.start), len(message.signs)):
        ent = message.signs[index]
        if ent.end > span.end:
            break
        found.append(ent)
    return found


def _mentions(signs: Sequence[Tuple[str, str]], reason: str) -> List[Mention]:
    return [Mention(category, text, reason) for category, text in signs]


def _over_signs(message: Message, clause: Span, symptoms: Sequence[Span]) -> Tuple[List[Span], bool]:
    """The signs of a past-tense clause that are over, and whether its measured temperature is.

    "she had a fever on day 5 but it went away", "his temp was 38.1 on Tuesday, normal since",
    "he had a seizure two years ago". Breathing, seizures and waking are over only when long ago.
    """
    if distant_past_in(clause):
        return list(symptoms), True  # "steroids made him puffy last year"
    gone = [e for e in symptoms if e.ent_id_ not in emergency_categories() and resolved_right_after(e)]
    if gone:
        return gone, False  # "his fever is gone", "the rash went away"
    words = set(lower_words(clause))
    if not words & PAST_WORDS or words & PRESENT_STATE:
        return [], False
    if message.distant_past:
        return list(symptoms), True
    if message.resolved:
        return [ent for ent in symptoms if ent.ent_id_ not in emergency_categories()], True
    return [], False


def _is_parents_feeling(message: Message, clause: Span, symptoms: Sequence[Span]) -> bool:
    """ "I literally can't breathe when I think about it", "my head is pounding from crying"."""
    if not symptoms or not message.has_feeling_cue:
        return False
    first = symptoms[0]
    before = [t for t in clause if t.i < first.start]
    subjects = [
        t for t in before if t.lower_ in FIRST_PERSON or t.lower_ in CHILD_NOUNS or t.lower_ in POSSESSIVES
    ]
    if subjects and subjects[-1].lower_ in FIRST_PERSON:
        return True
    # "my heart is racing": "my" right before a body part that starts the sign.
    return (
        bool(subjects)
        and subjects[-1].lower_ == "my"
        and subjects[-1].i + 1 == first.start
        and first[0].lower_ in PARENT_BODY
    )


def _report_reason(
    message: Message, clause: Span, symptoms: Sequence[Span], measured: Optional[str]
) -> Optional[str]:
    if measured:
        return "measured temperature"
    if has_now_word(clause):
        return "now"
    if _has_subject_with_state(message, clause.start, clause.end, symptoms):
        return "person with present state"
    return None


def _has_subject_with_state(message: Message, start: int, end: int, symptoms: Sequence[Span]) -> bool:
    """In doc[start:end], the first subject with a state word within its window (2 before, 4 after
    in the span) says yes; failing that, one right beside a symptom answers."""
    scan_from = start
    if symptoms and message.sentence_start[start] == start:
        # The span starts a sentence. Its tokens up to `far` are more than 3 from every symptom and
        # their windows are not cut by the span's end: for them the answer was read once per sentence.
        far = min(min(s.start for s in symptoms) - 4, end - 5)
        if far >= start and message.sentence_start[far] == start:
            if message.subject_in_sentence[far]:
                return True
            scan_from = far + 1
    near = {s.start for s in symptoms}
    tokens = message.doc
    for i in range(scan_from, end):
        token = tokens[i]
        index = i - start
        if not is_subject(token, index, last=i + 1 == end):
            continue
        if any(message.state[j] for j in range(max(start, i - 2), min(end, i + 5)) if j != i):
            return True
        # "my son seizing", "her lips blue": the subject sits right beside the symptom.
        if near_any(i, near):
            return token.lower_ not in POSSESSIVES or i + 1 < end
    return False


def _is_statement_fragment(message: Message, clause: Span, symptoms: Sequence[Span]) -> bool:
    """ "high fever after kymriah", "cant breathe": a symptom stated, nothing asked."""
    if message.has_question_mark or not symptoms:
        return False
    if message.asks_between(0, len(message.doc)):
        return False
    if message.names_topic:  # "crs and hallucinations": a topic, not a report
        return False
    leading = [t for t in clause if t.i < symptoms[0].start]
    return all(t.lower_ in FILLERS for t in leading)
