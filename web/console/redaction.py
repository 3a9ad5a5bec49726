"""Redact personal data from a parent's message before staff see or export it.

Covers emails, phone numbers, dates (of birth or otherwise), record numbers,
street addresses and names introduced as a child's or parent's name
("my son Liam", "her name is Emma", "I'm Sarah, Liam's mom"). Over-redacting is
preferred to leaking: the original text stays in the tracker store and an admin
may reveal one message (audit-logged).
"""

from __future__ import annotations

import re

EMAIL = "<EMAIL>"
PHONE = "<PHONE>"
DATE = "<DATE>"
RECORD = "<RECORD>"
ADDRESS = "<ADDRESS>"
NAME = "<NAME>"

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_RECORD_RE = re.compile(
    r"(?:\b(?:mrn|medical record(?: number| no\.?| #)?|record(?: number| no\.?| #)?|"
    r"patient (?:id|number|no\.?)|chart(?: number| no\.?)?|id(?: number)?|"
    r"case(?: number| no\.?)?)\s*(?:is|:|#)?\s*#?\s*[A-Z]{0,3}[-\d][\d-]{3,}\b)"
    r"|(?:#\s?\d{4,}\b)",
    re.IGNORECASE,
)
_DATE_RES = (
    re.compile(r"\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b"),
    re.compile(r"\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b"),
    re.compile(r"\b\d{1,2}/\d{1,2}\b"),
    re.compile(
        rf"\b{_MONTHS}\.?\s+{_DAY}(?:,?\s+\d{{4}})?\b(?!\s*(?:days?|weeks?|hours?))",
        re.IGNORECASE,
    ),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTHS}\b(?:,?\s+\d{{4}})?", re.IGNORECASE),
    re.compile(rf"\b{_MONTHS}\s+\d{{4}}\b", re.IGNORECASE),
)
_PHONE_RE = re.compile(
    r"(?<![\w<])(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)|\d{2,4})[\s.-]?\d{3,4}[\s.-]?\d{3,4}(?!\w)"
)
_ADDRESS_RE = re.compile(
    r"\b\d{1,6}\s+(?:[A-Za-z0-9.'-]+\s+){1,4}"
    r"(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|court|ct|way|"
    r"place|pl|terrace|circle|cir|parkway|pkwy|highway|hwy|square|sq)\b\.?"
    r"(?:,?\s*(?:apt|apartment|unit|suite|#)\.?\s*\w+)?",
    re.IGNORECASE,
)
_LONG_NUMBER_RE = re.compile(r"(?<![\w<])\d{6,}(?![\w>])")

_RELATIONS = (
    r"(?:son|daughter|child|kid|boy|girl|baby|toddler|teen|teenager|stepson|"
    r"stepdaughter|grandson|granddaughter|nephew|niece|brother|sister|husband|wife|"
    r"partner|mom|mum|mother|dad|father)"
)
# Words that often follow "my son ..." and are not names.
_NOT_NAMES = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "so",
        "is",
        "was",
        "are",
        "were",
        "be",
        "been",
        "being",
        "has",
        "had",
        "have",
        "having",
        "do",
        "does",
        "did",
        "who",
        "whom",
        "whose",
        "that",
        "which",
        "what",
        "when",
        "where",
        "why",
        "how",
        "it",
        "its",
        "he",
        "she",
        "him",
        "her",
        "his",
        "hers",
        "they",
        "them",
        "their",
        "i",
        "me",
        "my",
        "we",
        "us",
        "our",
        "you",
        "your",
        "this",
        "these",
        "those",
        "there",
        "here",
        "just",
        "also",
        "still",
        "now",
        "then",
        "too",
        "very",
        "really",
        "keeps",
        "kept",
        "got",
        "gets",
        "getting",
        "can",
        "could",
        "will",
        "would",
        "should",
        "may",
        "might",
        "must",
        "shall",
        "not",
        "never",
        "always",
        "already",
        "again",
        "feels",
        "felt",
        "seems",
        "seemed",
        "looks",
        "looked",
        "started",
        "starts",
        "began",
        "begins",
        "woke",
        "wakes",
        "wont",
        "won't",
        "isn't",
        "wasn't",
        "doesn't",
        "didn't",
        "hasn't",
        "can't",
        "couldn't",
        "with",
        "without",
        "in",
        "on",
        "at",
        "of",
        "for",
        "from",
        "to",
        "by",
        "about",
        "after",
        "before",
        "since",
        "during",
        "into",
        "over",
        "under",
        "up",
        "down",
        "out",
        "off",
        "as",
        "than",
        "like",
        "because",
        "if",
        "while",
        "until",
        "cancer",
        "leukemia",
        "lymphoma",
        "treatment",
        "therapy",
        "infusion",
        "fever",
        "temp",
        "temperature",
        "who's",
        "he's",
        "she's",
        "is's",
        "name",
        "age",
        "aged",
        "years",
        "year",
        "months",
        "old",
        "today",
        "tonight",
        "yesterday",
        "last",
        "first",
        "second",
    ]
)
_NAME = r"[A-Za-z][A-Za-z'-]{1,30}"
_NAME_AFTER_RELATION_RE = re.compile(rf"\b(my|our|his|her)\s+({_RELATIONS})(?:'s)?,?\s+({_NAME})")
_NAME_IS_RE = re.compile(
    rf"\b(?:name\s+is|name's|named|called|call\s+(?:him|her|them))\s+({_NAME})(?:\s+({_NAME}))?",
    re.IGNORECASE,
)
_I_AM_RE = re.compile(rf"\b(?:i\s*am|i'm|im|this\s+is)\s+({_NAME}),", re.IGNORECASE)
_POSSESSIVE_PARENT_RE = re.compile(
    rf"\b({_NAME})'s\s+(?:mom|mum|mother|dad|father|parent|grandma|grandpa|"
    r"grandmother|grandfather|aunt|uncle|guardian)\b"
)


def _looks_like_name(word: str) -> bool:
    lower = word.lower()
    if lower in _NOT_NAMES:
        return False
    if word[0].isupper():
        return True
    return not lower.endswith(("ed", "ing", "ly"))


def _redact_names(text: str) -> str:
    def relation(match: re.Match[str]) -> str:
        candidate = match.group(3)
        if not _looks_like_name(candidate):
            return match.group(0)
        return match.group(0)[: match.start(3) - match.start(0)] + NAME

    def name_is(match: re.Match[str]) -> str:
        first = match.group(1)
        if first.lower() in _NOT_NAMES:
            return match.group(0)
        end = match.end(1)
        second = match.group(2)
        if second and second[0].isupper() and second.lower() not in _NOT_NAMES:
            end = match.end(2)
        prefix = match.group(0)[: match.start(1) - match.start(0)]
        return prefix + NAME + match.group(0)[end - match.start(0) :]

    def i_am(match: re.Match[str]) -> str:
        if not _looks_like_name(match.group(1)) or not match.group(1)[0].isupper():
            return match.group(0)
        prefix = match.group(0)[: match.start(1) - match.start(0)]
        return f"{prefix}{NAME},"

    def possessive(match: re.Match[str]) -> str:
        if match.group(1).lower() in _NOT_NAMES:
            return match.group(0)
        return NAME + match.group(0)[match.end(1) - match.start(0) :]

    text = _NAME_AFTER_RELATION_RE.sub(relation, text)
    text = _NAME_IS_RE.sub(name_is, text)
    text = _I_AM_RE.sub(i_am, text)
    return _POSSESSIVE_PARENT_RE.sub(possessive, text)


def redact(text: str | None) -> str:
    """``text`` with personal data replaced by placeholders such as ``<NAME>``."""
    if not text:
        return ""
    text = _EMAIL_RE.sub(EMAIL, text)
    text = _RECORD_RE.sub(RECORD, text)
    text = _ADDRESS_RE.sub(ADDRESS, text)
    for pattern in _DATE_RES:
        text = pattern.sub(DATE, text)
    text = _PHONE_RE.sub(PHONE, text)
    text = _LONG_NUMBER_RE.sub(RECORD, text)
    return _redact_names(text)
