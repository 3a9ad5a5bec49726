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

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import AbstractSet, Iterable, List, Optional, Sequence, Tuple

from spacy.tokens import Doc, Span, Token

from assistant.names import SYMPTOM_LABEL
from assistant.nlu.medical_terms import emergency_categories
from assistant.nlu.red_flag_words import (
    CHILD_NOUNS,
    CLAUSE_BREAKS,
    DISTANT_PAST_RE,
    FEELING_CUES,
    FILLERS,
    FIRST_PERSON,
    FUTURE_RE,
    GENERIC_SIGNS,
    GONE_AFTER_SIGN_RE,
    HYPHENS,
    HYPOTHETICAL,
    HYPOTHETICAL_OPENERS,
    MEASURE_RE,
    MODALS,
    NEGATION_CUES,
    NEGATION_EXCEPTIONS,
    NEGATION_WINDOW,
    NEGATIONS,
    NOT_NAMES,
    NOW_WORDS,
    OBJECT_PRONOUNS,
    OTHER_UNITS,
    PARENT_BODY,
    PAST_WORDS,
    PLEA_AFTER,
    PLEA_BEFORE,
    POSSESSIVES,
    PRESENT_STATE,
    PRESENT_WORDS,
    PURPOSE_VERBS,
    QUESTION_OPENERS,
    RESOLVED_RE,
    SIGN_AS_MODIFIER,
    STATE_WORDS,
    TEMPERATURE_WORDS,
    THIRD_PARTY_RE,
    TOPIC_WORDS,
    TREATMENTS,
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
    question words before it, the message's wording) is read once, in `_read`.
    """
    message = _read(doc)
    if THIRD_PARTY_RE.search(doc.text.lower()):
        # "my friend's son had seizures after car t": about someone else's child.
        # The trained urgent intent still catches a real report phrased this way.
        return Assessment([], _mentions(_named(_symptoms(message, doc[:]), None), SOMEONE_ELSE))
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


SENTENCE_ENDS = frozenset({".", "?", "!", ";", "\n"})


@dataclass(frozen=True)
class _Message:
    """What the clauses of one message need of the whole of it, read once by `_read`.

    Judging a clause then costs the clause's own length, not the message's: a long message
    (10,000 characters of "fever and ...") is judged in linear time.
    """

    doc: Doc
    signs: List[Span]  # the symptom entities, in order
    sign_starts: List[int]
    sentence_start: List[int]  # per token: where its sentence starts
    asks_before: List[int]  # asks_before[i]: question openers and modals in doc[:i]
    state: List[bool]  # per token: `_is_state_word`
    subject_in_sentence: List[bool]  # per token: a subject with a state word from its sentence's start
    has_question_mark: bool
    names_topic: bool
    has_feeling_cue: bool
    distant_past: bool  # DISTANT_PAST_RE in `_text_without_symptoms`
    resolved: bool  # RESOLVED_RE in `_text_without_symptoms`

    def asks_between(self, start: int, end: int) -> bool:
        return self.asks_before[end] > self.asks_before[start]


def _read(doc: Doc) -> _Message:
    tokens = list(doc)
    signs = [ent for ent in doc.ents if ent.label_ == SYMPTOM_LABEL]
    sentence_start: List[int] = []
    asks_before = [0]
    for token in tokens:
        starts = token.i == 0 or tokens[token.i - 1].text in SENTENCE_ENDS
        sentence_start.append(token.i if starts else sentence_start[-1])
        asks_before.append(asks_before[-1] + _asks(token))
    state = [_is_state_word(t) for t in tokens]
    subject_in_sentence: List[bool] = []
    for token in tokens:
        i, first = token.i, sentence_start[token.i]
        # As `_has_subject_with_state` reads it in a span that starts with the sentence and goes
        # on past the window: not the span's last token, the window not cut on the right.
        found = _is_subject(token, i - first, last=False) and any(
            state[j] for j in range(max(first, i - 2), min(len(tokens), i + 5)) if j != i
        )
        subject_in_sentence.append(found or (i > first and subject_in_sentence[-1]))
    text = _text_without_symptoms(doc)
    return _Message(
        doc=doc,
        signs=signs,
        sign_starts=[ent.start for ent in signs],
        sentence_start=sentence_start,
        asks_before=asks_before,
        state=state,
        subject_in_sentence=subject_in_sentence,
        has_question_mark="?" in doc.text,
        names_topic=any(t.lower_ in TOPIC_WORDS for t in tokens),
        has_feeling_cue=any(t.lower_ in FEELING_CUES for t in tokens),
        distant_past=bool(DISTANT_PAST_RE.search(text)),
        resolved=bool(RESOLVED_RE.search(text)),
    )


def _asks(token: Token) -> bool:
    return token.lower_ in QUESTION_OPENERS or token.lower_ in MODALS


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


def _judge_clause(message: _Message, clause: Span) -> Tuple[List[RedFlag], List[Mention]]:
    symptoms: List[Span] = []
    other_words: List[Span] = []
    for ent in _sign_words(message, clause):
        (other_words if _names_something_else(ent) else symptoms).append(ent)
    other_uses = _mentions(_named(other_words, None), OTHER_USE)
    measured = _measured_fever(clause)
    reports, mentions = _judge_signs(message, clause, symptoms, measured)
    return reports, other_uses + mentions


def _judge_signs(
    message: _Message, clause: Span, symptoms: List[Span], measured: Optional[Token]
) -> Tuple[List[RedFlag], List[Mention]]:
    signs = _named(symptoms, measured)
    if not signs:
        return [], []
    if _is_parents_feeling(message, clause, symptoms):
        return [], _mentions(signs, PARENTS_FEELING)
    over, measured_over = _over_signs(message, clause, symptoms)
    mentions = _mentions(_named(over, measured if measured_over else None), PAST_AND_OVER)
    symptoms = _without(symptoms, over)
    if measured_over:
        measured = None
    negated = [ent for ent in symptoms if _is_negated(clause, ent)]
    mentions += _mentions(_named(negated, None), NEGATED)
    symptoms = _without(symptoms, negated)
    remaining = _named(symptoms, measured)
    if not remaining:
        return [], mentions
    if _is_hypothetical(clause, symptoms, measured.i if measured is not None else None):
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


def _symptoms(message: _Message, span: Span) -> List[Span]:
    """The signs in a span, leaving out sign words that name something else."""
    return [ent for ent in _sign_words(message, span) if not _names_something_else(ent)]


def _sign_words(message: _Message, span: Span) -> List[Span]:
    """The symptom entities inside a span (sorted and never overlapping: found by bisection)."""
    found: List[Span] = []
    for index in range(bisect_left(message.sign_starts, span.start), len(message.signs)):
        ent = message.signs[index]
        if ent.end > span.end:
            break
        found.append(ent)
    return found


def _names_something_else(ent: Span) -> bool:
    """ "seizure prevention", "fever medicine", "didn't respond to chemo": a sign word, not a sign."""
    after = [t.lower_ for t in ent.doc[ent.end : ent.end + 3] if t.text not in HYPHENS]
    if after[:1] and after[0] in SIGN_AS_MODIFIER:
        return True
    before = [t.lower_ for t in ent.doc[max(0, ent.start - 2) : ent.start]]
    if len(before) == 2 and before[0] == "to" and before[1] in PURPOSE_VERBS:
        return True  # "is that to stop seizures", "medicine to prevent fever"
    return (
        ent.ent_id_ == "consciousness" and after[:1] == ["to"] and after[1:2] != [] and after[1] in TREATMENTS
    )


def _named(symptoms: Sequence[Span], measured: Optional[Token]) -> List[Tuple[str, str]]:
    """(category, text) of each sign; a measured temperature is a fever unless one is named."""
    named = [(ent.ent_id_, ent.text) for ent in symptoms]
    if measured is not None and not any(category == "fever" for category, _ in named):
        named.append(("fever", measured.text))
    return named


def _mentions(signs: Sequence[Tuple[str, str]], reason: str) -> List[Mention]:
    return [Mention(category, text, reason) for category, text in signs]


def _is_negated(clause: Span, symptom: Span) -> bool:
    """ "no fever", "hasn't had any vomiting", "never had a seizure" (not "won't stop seizing")."""
    start = max(clause.start, symptom.start - NEGATION_WINDOW)
    before = list(clause.doc[start : symptom.start])
    for index, token in enumerate(before):
        if token.lower_ not in NEGATION_CUES:
            continue
        following = before[index + 1 : index + 2]
        if following and following[0].lower_ in NEGATION_EXCEPTIONS:
            continue
        if any(t.lower_ in POSSESSIVES or t.lower_ in CHILD_NOUNS for t in before[index + 1 :]):
            continue  # "not sure but my son is seizing": the negation is about something else
        return True
    return False


def _over_signs(message: _Message, clause: Span, symptoms: Sequence[Span]) -> Tuple[List[Span], bool]:
    """The signs of a past-tense clause that are over, and whether its measured temperature is.

    "she had a fever on day 5 but it went away", "his temp was 38.1 on Tuesday, normal since",
    "he had a seizure two years ago". Breathing, seizures and waking are over only when long ago.
    """
    if _distant_past_in(clause):
        return list(symptoms), True  # "steroids made him puffy last year"
    gone = [e for e in symptoms if e.ent_id_ not in emergency_categories() and _resolved_right_after(e)]
    if gone:
        return gone, False  # "his fever is gone", "the rash went away"
    words = set(_words(clause))
    if not words & PAST_WORDS or words & PRESENT_STATE:
        return [], False
    if message.distant_past:
        return list(symptoms), True
    if message.resolved:
        return [ent for ent in symptoms if ent.ent_id_ not in emergency_categories()], True
    return [], False


def _resolved_right_after(ent: Span) -> bool:
    following = " ".join(t.lower_ for t in ent.doc[ent.end : ent.end + 3])
    return bool(GONE_AFTER_SIGN_RE.match(following))


def _distant_past_in(clause: Span) -> bool:
    """A long-ago time in the sign's own clause, not "since last week" (still going on)."""
    text = " ".join(t.lower_ for t in clause)
    for match in DISTANT_PAST_RE.finditer(text):
        end = match.start()
        while end > 0 and text[end - 1].isspace():
            end -= 1
        if not text.endswith("since", 0, end):  # text[:end], without copying it for each match
            return True
    return False


def _text_without_symptoms(doc: Doc) -> str:
    """The message in lower case with sign phrases blanked ("gone blue" is a sign, not "gone")."""
    return " ".join("_" if t.ent_type_ == SYMPTOM_LABEL else t.lower_ for t in doc)


def _is_parents_feeling(message: _Message, clause: Span, symptoms: Sequence[Span]) -> bool:
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


def _words(span: Span) -> List[str]:
    return [t.lower_ for t in span]


def _is_hypothetical(clause: Span, symptoms: Sequence[Span], measured_at: Optional[int]) -> bool:
    words = _words(clause)
    if any(w in HYPOTHETICAL for w in words) or "in case" in clause.text.lower():
        return not _has_now_word(clause, PRESENT_WORDS)
    # "suppose he faints at grandma's", "imagine her lips turned blue": only as the clause's first
    # word, where it sets up a case; "I suppose he's just tired" still reports.
    if words and words[0] in HYPOTHETICAL_OPENERS:
        return not _has_now_word(clause, PRESENT_WORDS)
    starts = [s.start for s in symptoms] + ([measured_at] if measured_at is not None else [])
    first_symptom = min(starts, default=clause.end)
    before = clause.doc[clause.start : first_symptom].text.lower()
    if FUTURE_RE.search(before):  # "is my son going to have seizures"
        return not _has_now_word(clause, PRESENT_WORDS)
    # "can CRS cause seizures", "will he get a fever": an un-negated modal before the symptom.
    for token in clause:
        if token.i >= first_symptom:
            break
        if token.lower_ in MODALS and not _negated(token):
            return not _has_now_word(clause, PRESENT_WORDS)
    return False


def _negated(token: Token) -> bool:
    nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
    return nxt is not None and nxt.lower_ in NEGATIONS


def _has_now_word(clause: Span, now_words: frozenset = NOW_WORDS) -> bool:
    text = clause.text.lower()
    return any(t.lower_ in now_words and _is_plea_or_not_help(t) for t in clause) or "right now" in text


def _is_plea_or_not_help(token: Token) -> bool:
    """ "help my son can't breathe", "please help!", but not "do steroids help with fever"."""
    if token.lower_ != "help":
        return True
    before = token.doc[token.i - 1].lower_ if token.i > 0 else ""
    after = token.doc[token.i + 1].lower_ if token.i + 1 < len(token.doc) else ""
    return token.i == 0 or before in PLEA_BEFORE or after in PLEA_AFTER


def _report_reason(
    message: _Message, clause: Span, symptoms: Sequence[Span], measured: Optional[str]
) -> Optional[str]:
    if measured:
        return "measured temperature"
    if _has_now_word(clause):
        return "now"
    if _has_subject_with_state(message, clause.start, clause.end, symptoms):
        return "person with present state"
    return None


def _has_subject_with_state(message: _Message, start: int, end: int, symptoms: Sequence[Span]) -> bool:
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
        if not _is_subject(token, index, last=i + 1 == end):
            continue
        if any(message.state[j] for j in range(max(start, i - 2), min(end, i + 5)) if j != i):
            return True
        # "my son seizing", "her lips blue": the subject sits right beside the symptom.
        if _near(i, near):
            return token.lower_ not in POSSESSIVES or i + 1 < end
    return False


def _near(i: int, starts: AbstractSet[int]) -> bool:
    return any(j in starts for j in range(i - 3, i + 4))


def _is_subject(token: Token, index: int, last: bool) -> bool:
    """A child, a pronoun or a name; a possessive only when something follows it in the span."""
    word = token.lower_
    return (
        word in CHILD_NOUNS
        or (word in POSSESSIVES and not last)
        or (word in OBJECT_PRONOUNS)
        or _looks_like_name(token, index)
    )


def _is_state_word(token: Token) -> bool:
    word = token.lower_
    if word in STATE_WORDS:
        return True
    return token.is_alpha and len(word) > 4 and (word.endswith("ing") or word.endswith("ed"))


def _looks_like_name(token: Token, index: int) -> bool:
    """A first name used as a subject ("Liam is having a fit", "noah just had a fit")."""
    if not token.is_alpha or len(token) < 3 or token.ent_type_ or token.is_stop:
        return False
    if not (token.is_title or index == 0):
        return False
    if token.lower_ in NOT_NAMES or token.lower_ in MODALS or token.lower_ in HYPOTHETICAL:
        return False
    nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
    return nxt is not None and (_is_state_word(nxt) or nxt.lower_ == "'s")


def _is_statement_fragment(message: _Message, clause: Span, symptoms: Sequence[Span]) -> bool:
    """ "high fever after kymriah", "cant breathe": a symptom stated, nothing asked."""
    if message.has_question_mark or not symptoms:
        return False
    if message.asks_between(0, len(message.doc)):
        return False
    if message.names_topic:  # "crs and hallucinations": a topic, not a report
        return False
    leading = [t for t in clause if t.i < symptoms[0].start]
    return all(t.lower_ in FILLERS for t in leading)


def _measured_fever(clause: Span) -> Optional[Token]:
    words = _words(clause)
    has_temperature_word = any(w in TEMPERATURE_WORDS for w in words)
    for token in clause:
        match = MEASURE_RE.match(token.text)
        if not match:
            continue
        value = float(match.group(1).replace(",", "."))
        unit = (match.group(2) or _unit_after(token)).lower()
        if not (has_temperature_word or unit or _reads_as_temperature(token, match.group(1))):
            continue
        if (unit in ("", "c") and 38.0 <= value <= 43.0) or (unit in ("", "f") and 100.4 <= value <= 110.0):
            return token
    return None


def _reads_as_temperature(token: Token, number: str) -> bool:
    """ "she's 39.6", "38,6 since this morning": one decimal in a fever range reads as a temperature,
    unless another unit follows ("39.5 kg", "38.5 weeks")."""
    if not re.fullmatch(r"\d{2,3}[.,]\d", number):
        return False
    nxt = token.nbor(1).lower_ if token.i + 1 < len(token.doc) else ""
    return nxt not in OTHER_UNITS


def _unit_after(token: Token) -> str:
    if token.i + 1 < len(token.doc):
        nxt = token.nbor(1).lower_
        if nxt in ("c", "f", "°c", "°f", "celsius", "fahrenheit"):
            return nxt[-1] if nxt.startswith("°") else nxt[0]
    return ""
