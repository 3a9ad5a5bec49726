"""The pattern-found spans: each detector, and all of them for one message."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from web.console.privacy.patterns import (
    _ADDRESS_LOWER_RE,
    _ADDRESS_RE,
    _BIRTH_RE,
    _CAPW_RUN_RE,
    _CHILDRENS_PLACE_RE,
    _CITY_STATE_RE,
    _DATE_DAY_MONTH_RE,
    _DATE_DMY_RE,
    _DATE_ISO_RE,
    _DATE_MONTH_DAY_RE,
    _DATE_MONTH_YEAR_RE,
    _DATE_SHORT_RE,
    _DIGIT_GROUP_RE,
    _DIGIT_WORD_RE,
    _DOT_WORD_RE,
    _EMAIL_RE,
    _HASH_NUMBER_RE,
    _HOSPITAL_RES,
    _LONG_NUMBER_RE,
    _OBFUSCATED_EMAIL_RE,
    _PHONE_INTERNATIONAL_RE,
    _PHONE_RES,
    _PHONE_TRUNK_RE,
    _PLACE_AFTER_RE,
    _PO_BOX_RE,
    _PROVIDER_DOMAIN_RE,
    _QUANTITY_AFTER_RE,
    _RECORD_RE,
    _SAINT_LOWER_RE,
    _SPACE_RE,
    _SPELLED_CUE_RE,
    _SPELLED_DIGITS_RE,
    _SSN_CUE_RE,
    _SSN_RE,
    _STATE_NAMES,
    _WORD_LED_RES,
    _WORD_START_RE,
    _ZIP4_RE,
    _ZIP_CUE_RE,
    _ZIP_LIVE_RE,
)
from web.console.privacy.spans import (
    Span,
)
from web.console.privacy.words import (
    _MONTHS_DAYS,
    _Lexicon,
    _word_set,
)


# --------------------------------------------------------------------------- detectors
def _group_spans(pattern: re.Pattern[str], text: str, kind: str, group: int = 0) -> Iterable[Span]:
    for match in pattern.finditer(text):
        if match.start(group) >= 0:
            yield Span(match.start(group), match.end(group), kind)


def _email_spans(text: str, lexicon: _Lexicon) -> Iterable[Span]:
    for match in _EMAIL_RE.finditer(text):
        if re.search(r"[^\W\d_]", match.group(1)):  # "39.5@3am" is a temperature at a time
            yield Span(match.start(), match.end(), "email")
    for match in _OBFUSCATED_EMAIL_RE.finditer(text):
        local, domain = match.group("local"), match.group("domain")
        if match.group("bare") is not None:
            # "look at webmd.com", "email me at gmail" are not addresses; "jane at gmail.com",
            # "j.doe at mercy.org", "jane dot doe at gmail dot com" are.
            written_out = _DOT_WORD_RE.search(domain) is not None
            provider = _PROVIDER_DOMAIN_RE.match(domain) is not None
            odd_local = re.search(r"[\d_.+-]", local) is not None or _DOT_WORD_RE.search(local) is not None
            not_a_word = len(local) > 1 and not lexicon.ordinary(local.lower())
            if not (written_out or provider or odd_local or not_a_word):
                continue
        yield Span(match.start(), match.end(), "email")


def _record_spans(text: str) -> Iterable[Span]:
    for match in _RECORD_RE.finditer(text):
        if sum(c.isdigit() for c in match.group(1)) >= 4:  # not "id 12days"
            yield Span(match.start(1), match.end(1), "record")


def _spelled_digit_spans(text: str) -> Iterable[Span]:
    """Digits written as words: 7+ anywhere, 4+ after a cue in the same sentence."""
    for match in _SPELLED_DIGITS_RE.finditer(text):
        count = len(_DIGIT_WORD_RE.findall(match.group()))
        cue = _SPELLED_CUE_RE.search(text[max(0, match.start() - 40) : match.start()])
        if cue is None and count < 7:
            continue
        kind = "ssn" if cue and cue.group("ssn") else "record" if cue and cue.group("record") else "phone"
        yield Span(match.start(), match.end(), kind)


def _looks_like_quantities(groups: list[str], separators: list[str]) -> bool:
    """A list of temperatures ("101 102 103", "38 39 40") or a round range ("800-1200", "500 1000 2000")."""
    values = [int(g) for g in groups]
    temperatures = all(34 <= v <= 43 or 95 <= v <= 107 for v in values)
    if temperatures and all(sep.strip(" ,") == "" for sep in separators):
        return True
    return all(v % (10 if len(g) < 4 else 100) == 0 for g, v in zip(groups, values, strict=True))


def _phone_spans(text: str) -> Iterable[Span]:
    for pattern in _PHONE_RES:
        international = pattern is _PHONE_INTERNATIONAL_RE
        for match in pattern.finditer(text):
            number = match.group()
            groups = _DIGIT_GROUP_RE.findall(number)
            digits = sum(len(g) for g in groups)
            if international:
                if 8 <= digits <= 15:
                    yield Span(match.start(), match.end(), "phone")
                continue
            if pattern is _PHONE_TRUNK_RE and not 9 <= digits <= 12:
                continue
            if not number.startswith(("+", "(", "0")):  # a trunk 0 or a country code makes a phone number
                if _QUANTITY_AFTER_RE.match(text, match.end()):
                    continue  # "100 - 1000 mg", "930-1030 am"
                if _looks_like_quantities(groups, _DIGIT_GROUP_RE.split(number)[1:-1]):
                    continue
            yield Span(match.start(), match.end(), "phone")


def _valid_day_month(a: int, b: int) -> bool:
    """``a/b`` can be month/day or day/month."""
    return (1 <= a <= 12 and 1 <= b <= 31) or (1 <= b <= 12 and 1 <= a <= 31)


def _date_spans(text: str) -> Iterable[Span]:
    for match in _DATE_ISO_RE.finditer(text):
        if 1 <= int(match.group(2)) <= 12 and 1 <= int(match.group(3)) <= 31:
            yield Span(match.start(), match.end(), "date")
    for match in _DATE_DMY_RE.finditer(text):
        if _valid_day_month(int(match.group(1)), int(match.group(3))):
            yield Span(match.start(), match.end(), "date")
    for match in _DATE_SHORT_RE.finditer(text):
        a, b = int(match.group(1)), int(match.group(2))
        fraction = a < b and b in (2, 3, 4, 8)
        score = b == 10 and re.search(
            r"(?i)(?:score|pain|rate|rated|level)\W{1,3}(?:\w+\W{1,3}){0,2}$",
            text[max(0, match.start() - 30) : match.start()],
        )
        if _valid_day_month(a, b) and not fraction and not score and (a, b) != (24, 7):
            yield Span(match.start(), match.end(), "date")
    for match in _DATE_MONTH_DAY_RE.finditer(text):
        month, day = match.group(1), int(match.group(2))
        if not 1 <= day <= 31:
            continue
        if month == "may" and not (match.group(3) or match.group(4)):
            continue  # "you may 2x the dose"
        yield Span(match.start(), match.end(), "date")
    for match in _DATE_DAY_MONTH_RE.finditer(text):
        if 1 <= int(match.group(1)) <= 31 and match.group(2) != "may":
            yield Span(match.start(), match.end(), "date")
    yield from _group_spans(_DATE_MONTH_YEAR_RE, text, "date")
    yield from _group_spans(_BIRTH_RE, text, "date", 1)


def _place_spans(text: str, lexicon: _Lexicon) -> Iterable[Span]:
    for match in _CITY_STATE_RE.finditer(text):
        city, comma, state, zip_code = match.group(1), match.group(2), match.group(3), match.group(4)
        words = city.split()
        # Keep only the words of the city that are not ordinary ("Is Tylenol OK").
        while words and lexicon.ordinary(words[0].lower()) and not (zip_code or comma):
            words.pop(0)
        unambiguous_state = len(state) > 2 or state not in _AMBIGUOUS_STATES
        if words and (zip_code or comma or unambiguous_state or not lexicon.ordinary(words[-1].lower())):
            start = text.rfind(words[0], match.start(1), match.end(1))
            yield Span(start, match.end(1), "place")
        if zip_code:
            yield Span(match.start(4), match.end(4), "zip")
    for match in _PLACE_AFTER_RE.finditer(text):
        # A capitalised word after "from/in/near" inside a sentence is a place unless
        # it is a month, a drug or another word of the domain ("in March", "from Kymriah").
        words = match.group(1).split()
        first = words[0].lower()
        if first in lexicon.never or first in _MONTHS_DAYS or re.fullmatch(_STATE_NAMES, words[0]):
            continue  # a state is not personal data
        if first.endswith(("ish", "ese", "ian")) and lexicon.ordinary(first):
            continue  # "in Spanish", "from Canadian"
        if len(words) > 1 and words[1].lower() in lexicon.never:
            yield Span(match.start(1), match.start(1) + len(words[0]), "place")
        else:
            yield Span(match.start(1), match.end(1), "place")


_AMBIGUOUS_STATES = _word_set("CO DE HI ID IN LA MA ME MD MS OH OK OR PA AL")


def _word_led_matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """What ``pattern.finditer(text)`` finds, for a pattern that starts with `_WORDS_BEFORE`, in
    linear time.

    Its first word starts at a capital after a non-word character: at a run of `_CAPW_RUN_RE`'s
    characters or after a hyphen inside one, and it reads to the run's end (it must be followed by
    a space). So inside one run every start that passes `_WORD_START_RE` continues the same way
    from the run's end: the first such start decides the run, and the rest of it is not tried.
    """
    pos = 0
    for run in _CAPW_RUN_RE.finditer(text):
        if run.end() <= pos or not _SPACE_RE.match(text, run.end()):
            continue
        start = run.start()
        while start != -1:
            if start >= pos and _WORD_START_RE.match(text, start):
                match = pattern.match(text, start)
                if match:
                    yield match
                    pos = match.end()
                break
            hyphen = text.find("-", start, run.end() - 1)
            start = hyphen + 1 if hyphen != -1 else -1


def _hospital_spans(text: str, lexicon: _Lexicon) -> Iterable[Span]:
    for pattern in _HOSPITAL_RES:
        if pattern in _WORD_LED_RES:
            for match in _word_led_matches(pattern, text):
                yield Span(match.start(), match.end(), "hospital")
        else:
            yield from _group_spans(pattern, text, "hospital")
    for match in _CHILDRENS_PLACE_RE.finditer(text):
        # "Children's Minnesota", but not "Children's Tylenol"
        word = match.group(1)
        if re.fullmatch(_STATE_NAMES, word) or not lexicon.ordinary(word.lower()):
            yield Span(match.start(), match.end(), "hospital")
    for match in _SAINT_LOWER_RE.finditer(text):
        if lexicon.first(match.group(1)):
            yield Span(match.start(), match.end(), "hospital")


def _regex_spans(text: str, lexicon: _Lexicon) -> list[Span]:
    spans: list[Span] = []
    spans += _email_spans(text, lexicon)
    spans += _group_spans(_SSN_RE, text, "ssn")
    spans += _group_spans(_SSN_CUE_RE, text, "ssn", 1)
    spans += _record_spans(text)
    spans += _spelled_digit_spans(text)
    spans += _group_spans(_HASH_NUMBER_RE, text, "record")
    spans += _group_spans(_ADDRESS_RE, text, "address")
    spans += _group_spans(_ADDRESS_LOWER_RE, text, "address")
    spans += _group_spans(_PO_BOX_RE, text, "address")
    spans += _group_spans(_ZIP_CUE_RE, text, "zip", 1)
    spans += _group_spans(_ZIP_LIVE_RE, text, "zip", 1)
    spans += _group_spans(_ZIP4_RE, text, "zip")
    spans += _place_spans(text, lexicon)
    spans += _hospital_spans(text, lexicon)
    spans += _date_spans(text)
    spans += _phone_spans(text)
    spans += _group_spans(_LONG_NUMBER_RE, text, "record")
    return spans
