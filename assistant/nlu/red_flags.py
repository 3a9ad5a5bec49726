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
from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence, Tuple

from spacy.tokens import Doc, Span, Token

from assistant.nlu.medical_terms import EMERGENCY_CATEGORIES
from assistant.nlu.red_flag_words import (
    CHILD_NOUNS,
    CLAUSE_BREAKS,
    DISTANT_PAST_RE,
    FEELING_CUES,
    FIRST_PERSON,
    FUTURE_RE,
    GENERIC_SIGNS,
    GONE_AFTER_SIGN_RE,
    HYPHENS,
    HYPOTHETICAL,
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
    TREATMENTS,
)

SYMPTOM_LABEL = "symptom"


@dataclass(frozen=True)
class RedFlag:
    """One symptom reported as happening now."""

    category: str
    text: str
    reason: str

    @property
    def emergency(self) -> bool:
        return self.category in EMERGENCY_CATEGORIES


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
    """Reports of signs happening now, and the other sign mentions with the reason they are not."""
    if THIRD_PARTY_RE.search(doc.text.lower()):
        # "my friend's son had seizures after car t": about someone else's child.
        # The trained urgent intent still catches a real report phrased this way.
        return Assessment([], _mentions(_named(_symptoms(doc, doc[:]), None), SOMEONE_ELSE))
    reports: List[RedFlag] = []
    mentions: List[Mention] = _no_symptoms(doc)
    for clause in _clauses(doc):
        clause_reports, clause_mentions = _judge_clause(doc, clause)
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


def _judge_clause(doc: Doc, clause: Span) -> Tuple[List[RedFlag], List[Mention]]:
    symptoms = _symptoms(doc, clause)
    other_uses = _mentions(
        _named([e for e in _sign_words(doc, clause) if e not in symptoms], None), OTHER_USE
    )
    measured = _measured_fever(clause)
    reports, mentions = _judge_signs(doc, clause, symptoms, measured)
    return reports, other_uses + mentions


def _judge_signs(
    doc: Doc, clause: Span, symptoms: List[Span], measured: Optional[Token]
) -> Tuple[List[RedFlag], List[Mention]]:
    signs = _named(symptoms, measured)
    if not signs:
        return [], []
    if _is_parents_feeling(doc, clause, symptoms):
        return [], _mentions(signs, PARENTS_FEELING)
    over, measured_over = _over_signs(doc, clause, symptoms)
    mentions = _mentions(_named(over, measured if measured_over else None), PAST_AND_OVER)
    symptoms = [ent for ent in symptoms if ent not in over]
    if measured_over:
        measured = None
    negated = [ent for ent in symptoms if _is_negated(clause, ent)]
    mentions += _mentions(_named(negated, None), NEGATED)
    symptoms = [ent for ent in symptoms if ent not in negated]
    remaining = _named(symptoms, measured)
    if not remaining:
        return [], mentions
    if _is_hypothetical(clause, symptoms, measured.i if measured is not None else None):
        return [], mentions + _mentions(remaining, HYPOTHETICAL_QUESTION)
    reason = _report_reason(clause, symptoms, measured.text if measured is not None else None)
    if (
        reason is None
        and symptoms
        and not any(t.lower_ in QUESTION_OPENERS or t.lower_ in MODALS for t in clause)
        and not _question_before(_sentence_until(clause), symptoms[0])
        and _has_subject_with_state(_sentence_until(clause), symptoms)
    ):
        # "he's really sleepy and floppy": the subject sits in an earlier clause of the sentence.
        reason = "person with present state"
    if reason is None and _is_statement_fragment(doc, clause, symptoms):
        reason = "symptom stated without a question"
    if reason is None:
        return [], mentions + _mentions(remaining, NO_REPORT_CONTEXT)
    return [RedFlag(category, text, reason) for category, text in remaining], mentions


def _question_before(sentence: Span, symptom: Span) -> bool:
    """ "what does crs look like in a child, is it just fever": the sentence asks before the sign."""
    return any(t.lower_ in QUESTION_OPENERS or t.lower_ in MODALS for t in sentence if t.i < symptom.start)


def _symptoms(doc: Doc, span: Span) -> List[Span]:
    """The signs in a span, leaving out sign words that name something else."""
    return [ent for ent in _sign_words(doc, span) if not _names_something_else(ent)]


def _sign_words(doc: Doc, span: Span) -> List[Span]:
    return [
        ent
        for ent in doc.ents
        if ent.label_ == SYMPTOM_LABEL and ent.start >= span.start and ent.end <= span.end
    ]


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


def _over_signs(doc: Doc, clause: Span, symptoms: Sequence[Span]) -> Tuple[List[Span], bool]:
    """The signs of a past-tense clause that are over, and whether its measured temperature is.

    "she had a fever on day 5 but it went away", "his temp was 38.1 on Tuesday, normal since",
    "he had a seizure two years ago". Breathing, seizures and waking are over only when long ago.
    """
    if _distant_past_in(clause):
        return list(symptoms), True  # "steroids made him puffy last year"
    gone = [e for e in symptoms if e.ent_id_ not in EMERGENCY_CATEGORIES and _resolved_right_after(e)]
    if gone:
        return gone, False  # "his fever is gone", "the rash went away"
    words = set(_words(clause))
    if not words & PAST_WORDS or words & PRESENT_STATE:
        return [], False
    text = _text_without_symptoms(doc)
    if DISTANT_PAST_RE.search(text):
        return list(symptoms), True
    if RESOLVED_RE.search(text):
        return [ent for ent in symptoms if ent.ent_id_ not in EMERGENCY_CATEGORIES], True
    return [], False


def _resolved_right_after(ent: Span) -> bool:
    following = " ".join(t.lower_ for t in ent.doc[ent.end : ent.end + 3])
    return bool(GONE_AFTER_SIGN_RE.match(following))


def _distant_past_in(clause: Span) -> bool:
    """A long-ago time in the sign's own clause, not "since last week" (still going on)."""
    text = " ".join(t.lower_ for t in clause)
    return any(not text[: m.start()].rstrip().endswith("since") for m in DISTANT_PAST_RE.finditer(text))


def _text_without_symptoms(doc: Doc) -> str:
    """The message in lower case with sign phrases blanked ("gone blue" is a sign, not "gone")."""
    return " ".join("_" if t.ent_type_ == SYMPTOM_LABEL else t.lower_ for t in doc)


def _is_parents_feeling(doc: Doc, clause: Span, symptoms: Sequence[Span]) -> bool:
    """ "I literally can't breathe when I think about it", "my head is pounding from crying"."""
    if not symptoms or not any(t.lower_ in FEELING_CUES for t in doc):
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


SENTENCE_ENDS = frozenset({".", "?", "!", ";", "\n"})


def _sentence_until(clause: Span) -> Span:
    """The sentence that holds the clause, from its start to the clause's end."""
    start = clause.start
    while start > 0 and clause.doc[start - 1].text not in SENTENCE_ENDS:
        start -= 1
    return clause.doc[start : clause.end]


def _words(span: Span) -> List[str]:
    return [t.lower_ for t in span]


def _is_hypothetical(clause: Span, symptoms: Sequence[Span], measured_at: Optional[int]) -> bool:
    words = _words(clause)
    if any(w in HYPOTHETICAL for w in words) or "in case" in clause.text.lower():
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


def _report_reason(clause: Span, symptoms: Sequence[Span], measured: Optional[str]) -> Optional[str]:
    if measured:
        return "measured temperature"
    if _has_now_word(clause):
        return "now"
    if _has_subject_with_state(clause, symptoms):
        return "person with present state"
    return None


def _has_subject_with_state(clause: Span, symptoms: Sequence[Span]) -> bool:
    tokens = list(clause)
    for index, token in enumerate(tokens):
        word = token.lower_
        subject = (
            word in CHILD_NOUNS
            or (word in POSSESSIVES and index + 1 < len(tokens))
            or (word in OBJECT_PRONOUNS)
            or _looks_like_name(token, index)
        )
        if not subject:
            continue
        window = tokens[max(0, index - 2) : index + 5]
        if any(_is_state_word(t) for t in window if t is not token):
            return True
        # "my son seizing", "her lips blue": the subject sits right beside the symptom.
        if any(abs(s.start - token.i) <= 3 for s in symptoms):
            return word not in POSSESSIVES or index + 1 < len(tokens)
    return False


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


TOPIC_WORDS = frozenset(
    {
        "prevention",
        "prevent",
        "medicine",
        "medication",
        "meds",
        "drug",
        "drugs",
        "symptom",
        "symptoms",
        "sign",
        "signs",
        "risk",
        "mean",
        "meaning",
        "cause",
        "causes",
        "info",
        "information",
        "effects",
        "normal",
        "crs",
        "cytokine",
        "cytokines",
    }
)
FILLERS = frozenset(
    {
        "help",
        "omg",
        "pls",
        "please",
        "urgent",
        "hi",
        "hello",
        "a",
        "the",
        "very",
        "really",
        "severe",
        "bad",
        "high",
        "sudden",
        "new",
    }
)


def _is_statement_fragment(doc: Doc, clause: Span, symptoms: Sequence[Span]) -> bool:
    """ "high fever after kymriah", "cant breathe": a symptom stated, nothing asked."""
    if "?" in doc.text or not symptoms:
        return False
    if any(t.lower_ in QUESTION_OPENERS or t.lower_ in MODALS for t in doc):
        return False
    if any(t.lower_ in TOPIC_WORDS for t in doc):  # "crs and hallucinations": a topic, not a report
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
