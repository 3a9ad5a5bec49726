"""How the red-flag matcher (`assistant/nlu/red_flags.py`) reads one clause or one token.

Tests that need only the clause, the sign and the words around it: negation, a sign that is
over, a hypothetical or general question, a "now" word or a plea, a subject with a state
word, a measured temperature, a sign word naming something else; and `read_message`, which
reads what the clauses need of the whole message once, into a `Message`. How a clause is judged
stays in `red_flags.py`; the words live in `red_flag_words.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import AbstractSet, List, Optional, Sequence, Tuple

from spacy.tokens import Doc, Span, Token

from assistant.names import SYMPTOM_LABEL
from assistant.nlu.red_flag_words import (
    CHILD_NOUNS,
    DISTANT_PAST_RE,
    FEELING_CUES,
    FUTURE_RE,
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
    PLEA_AFTER,
    PLEA_BEFORE,
    POSSESSIVES,
    PRESENT_WORDS,
    PURPOSE_VERBS,
    QUESTION_OPENERS,
    RESOLVED_RE,
    SENTENCE_ENDS,
    SIGN_AS_MODIFIER,
    STATE_WORDS,
    TEMPERATURE_WORDS,
    TOPIC_WORDS,
    TREATMENTS,
)


@dataclass(frozen=True)
class Message:
    """What the clauses of one message need of the whole of it, read once by `read_message`.

    Judging a clause then costs the clause's own length, not the message's: a long message
    (10,000 characters of "fever and ...") is judged in linear time.
    """

    doc: Doc
    signs: List[Span]  # the symptom entities, in order
    sign_starts: List[int]
    sentence_start: List[int]  # per token: where its sentence starts
    asks_before: List[int]  # asks_before[i]: question openers and modals in doc[:i]
    state: List[bool]  # per token: `is_state_word`
    subject_in_sentence: List[bool]  # per token: a subject with a state word from its sentence's start
    has_question_mark: bool
    names_topic: bool
    has_feeling_cue: bool
    distant_past: bool  # DISTANT_PAST_RE in `text_without_symptoms`
    resolved: bool  # RESOLVED_RE in `text_without_symptoms`

    def asks_between(self, start: int, end: int) -> bool:
        return self.asks_before[end] > self.asks_before[start]


def read_message(doc: Doc) -> Message:
    tokens = list(doc)
    signs = [ent for ent in doc.ents if ent.label_ == SYMPTOM_LABEL]
    sentence_start: List[int] = []
    asks_before = [0]
    for token in tokens:
        starts = token.i == 0 or tokens[token.i - 1].text in SENTENCE_ENDS
        sentence_start.append(token.i if starts else sentence_start[-1])
        asks_before.append(asks_before[-1] + asks(token))
    state = [is_state_word(t) for t in tokens]
    subject_in_sentence: List[bool] = []
    for token in tokens:
        i, first = token.i, sentence_start[token.i]
        # As `_has_subject_with_state` reads it in a span that starts with the sentence and goes
        # on past the window: not the span's last token, the window not cut on the right.
        found = is_subject(token, i - first, last=False) and any(
            state[j] for j in range(max(first, i - 2), min(len(tokens), i + 5)) if j != i
        )
        subject_in_sentence.append(found or (i > first and subject_in_sentence[-1]))
    text = text_without_symptoms(doc)
    return Message(
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


def asks(token: Token) -> bool:
    return token.lower_ in QUESTION_OPENERS or token.lower_ in MODALS


def names_something_else(ent: Span) -> bool:
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


def named_signs(symptoms: Sequence[Span], measured: Optional[Token]) -> List[Tuple[str, str]]:
    """(category, text) of each sign; a measured temperature is a fever unless one is named."""
    named = [(ent.ent_id_, ent.text) for ent in symptoms]
    if measured is not None and not any(category == "fever" for category, _ in named):
        named.append(("fever", measured.text))
    return named


def is_negated(clause: Span, symptom: Span) -> bool:
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


def resolved_right_after(ent: Span) -> bool:
    following = " ".join(t.lower_ for t in ent.doc[ent.end : ent.end + 3])
    return bool(GONE_AFTER_SIGN_RE.match(following))


def distant_past_in(clause: Span) -> bool:
    """A long-ago time in the sign's own clause, not "since last week" (still going on)."""
    text = " ".join(t.lower_ for t in clause)
    for match in DISTANT_PAST_RE.finditer(text):
        end = match.start()
        while end > 0 and text[end - 1].isspace():
            end -= 1
        if not text.endswith("since", 0, end):  # text[:end], without copying it for each match
            return True
    return False


def text_without_symptoms(doc: Doc) -> str:
    """The message in lower case with sign phrases blanked ("gone blue" is a sign, not "gone")."""
    return " ".join("_" if t.ent_type_ == SYMPTOM_LABEL else t.lower_ for t in doc)


def lower_words(span: Span) -> List[str]:
    return [t.lower_ for t in span]


def is_hypothetical(clause: Span, symptoms: Sequence[Span], measured_at: Optional[int]) -> bool:
    words = lower_words(clause)
    if any(w in HYPOTHETICAL for w in words) or "in case" in clause.text.lower():
        return not has_now_word(clause, PRESENT_WORDS)
    # "suppose he faints at grandma's", "imagine her lips turned blue": only as the clause's first
    # word, where it sets up a case; "I suppose he's just tired" still reports.
    if words and words[0] in HYPOTHETICAL_OPENERS:
        return not has_now_word(clause, PRESENT_WORDS)
    starts = [s.start for s in symptoms] + ([measured_at] if measured_at is not None else [])
    first_symptom = min(starts, default=clause.end)
    before = clause.doc[clause.start : first_symptom].text.lower()
    if FUTURE_RE.search(before):  # "is my son going to have seizures"
        return not has_now_word(clause, PRESENT_WORDS)
    # "can CRS cause seizures", "will he get a fever": an un-negated modal before the symptom.
    for token in clause:
        if token.i >= first_symptom:
            break
        if token.lower_ in MODALS and not followed_by_negation(token):
            return not has_now_word(clause, PRESENT_WORDS)
    return False


def followed_by_negation(token: Token) -> bool:
    nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
    return nxt is not None and nxt.lower_ in NEGATIONS


def has_now_word(clause: Span, now_words: frozenset = NOW_WORDS) -> bool:
    text = clause.text.lower()
    return any(t.lower_ in now_words and is_plea_or_not_help(t) for t in clause) or "right now" in text


def is_plea_or_not_help(token: Token) -> bool:
    """ "help my son can't breathe", "please help!", but not "do steroids help with fever"."""
    if token.lower_ != "help":
        return True
    before = token.doc[token.i - 1].lower_ if token.i > 0 else ""
    after = token.doc[token.i + 1].lower_ if token.i + 1 < len(token.doc) else ""
    return token.i == 0 or before in PLEA_BEFORE or after in PLEA_AFTER


def near_any(i: int, starts: AbstractSet[int]) -> bool:
    return any(j in starts for j in range(i - 3, i + 4))


def is_subject(token: Token, index: int, last: bool) -> bool:
    """A child, a pronoun or a name; a possessive only when something follows it in the span."""
    word = token.lower_
    return (
        word in CHILD_NOUNS
        or (word in POSSESSIVES and not last)
        or (word in OBJECT_PRONOUNS)
        or looks_like_name(token, index)
    )


def is_state_word(token: Token) -> bool:
    word = token.lower_
    if word in STATE_WORDS:
        return True
    return token.is_alpha and len(word) > 4 and (word.endswith("ing") or word.endswith("ed"))


def looks_like_name(token: Token, index: int) -> bool:
    """A first name used as a subject ("Liam is having a fit", "noah just had a fit")."""
    if not token.is_alpha or len(token) < 3 or token.ent_type_ or token.is_stop:
        return False
    if not (token.is_title or index == 0):
        return False
    if token.lower_ in NOT_NAMES or token.lower_ in MODALS or token.lower_ in HYPOTHETICAL:
        return False
    nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
    return nxt is not None and (is_state_word(nxt) or nxt.lower_ == "'s")


def measured_fever(clause: Span) -> Optional[Token]:
    words = lower_words(clause)
    has_temperature_word = any(w in TEMPERATURE_WORDS for w in words)
    for token in clause:
        match = MEASURE_RE.match(token.text)
        if not match:
            continue
        value = float(match.group(1).replace(",", "."))
        unit = (match.group(2) or unit_after(token)).lower()
        if not (has_temperature_word or unit or reads_as_temperature(token, match.group(1))):
            continue
        if (unit in ("", "c") and 38.0 <= value <= 43.0) or (unit in ("", "f") and 100.4 <= value <= 110.0):
            return token
    return None


def reads_as_temperature(token: Token, number: str) -> bool:
    """ "she's 39.6", "38,6 since this morning": one decimal in a fever range reads as a temperature,
    unless another unit follows ("39.5 kg", "38.5 weeks")."""
    if not re.fullmatch(r"\d{2,3}[.,]\d", number):
        return False
    nxt = token.nbor(1).lower_ if token.i + 1 < len(token.doc) else ""
    return nxt not in OTHER_UNITS


def unit_after(token: Token) -> str:
    if token.i + 1 < len(token.doc):
        nxt = token.nbor(1).lower_
        if nxt in ("c", "f", "°c", "°f", "celsius", "fahrenheit"):
            return nxt[-1] if nxt.startswith("°") else nxt[0]
    return ""
