"""Medical vocabulary of the source article, with the misspellings parents type.

The lists are data files in `assistant/nlu/vocabulary/` (see its README.md), so a clinician can
change them without reading code; this module reads them, lazily (no I/O at import), once:
- `canonical_lemmas()` maps a misspelled single word to the article's spelling, so
  the featurizers see one lemma for "toculizumab" and "tocilizumab" (`misspellings.yml`).
- `entity_terms()`: drugs, therapies, body systems (label -> canonical id -> phrases), and
  `symptom_terms()` / `symptom_token_patterns()`: the red-flag symptoms (category -> phrases or
  token patterns), read by the red-flag matcher; `entity_ruler_patterns()` is all of them as
  spaCy entity-ruler patterns (`entity_patterns.jsonl`, `symptom_patterns.jsonl`).
- `emergency_categories()`: the symptom categories that mean: call emergency services
  (`symptom_categories.yml`).
Only terms the article names are listed: no other drugs or brands.

The old constant names (`CANONICAL_LEMMAS`, `ENTITY_TERMS`, `SYMPTOM_TERMS`,
`SYMPTOM_TOKEN_PATTERNS`, `EMERGENCY_CATEGORIES`) still work as module attributes, read on
first use.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, Dict, FrozenSet, List

import yaml

from assistant.names import SYMPTOM_LABEL

VOCABULARY_PACKAGE = "assistant.nlu.vocabulary"
MISSPELLINGS_FILE = "misspellings.yml"
ENTITY_PATTERNS_FILE = "entity_patterns.jsonl"
SYMPTOM_PATTERNS_FILE = "symptom_patterns.jsonl"
SYMPTOM_CATEGORIES_FILE = "symptom_categories.yml"
VOCABULARY_FILES = (MISSPELLINGS_FILE, ENTITY_PATTERNS_FILE, SYMPTOM_PATTERNS_FILE, SYMPTOM_CATEGORIES_FILE)


def read_text(name: str) -> str:
    """The text of one vocabulary file."""
    return resources.files(VOCABULARY_PACKAGE).joinpath(name).read_text(encoding="utf-8")


def read_yaml(name: str) -> Any:
    return yaml.safe_load(read_text(name))


def read_jsonl(name: str) -> List[Dict[str, Any]]:
    """One JSON object per non-blank line."""
    return [json.loads(line) for line in read_text(name).splitlines() if line.strip()]


@cache
def canonical_lemmas() -> Dict[str, str]:
    """Misspelled word -> the article's spelling."""
    return dict(read_yaml(MISSPELLINGS_FILE)["misspellings"])


@cache
def entity_ruler_patterns() -> List[Dict[str, Any]]:
    """Entity-ruler patterns: the drugs, therapies and body systems, then the symptoms."""
    return read_jsonl(ENTITY_PATTERNS_FILE) + read_jsonl(SYMPTOM_PATTERNS_FILE)


@cache
def entity_terms() -> Dict[str, Dict[str, List[str]]]:
    """Label -> canonical id -> phrases, for the entities that are not symptoms."""
    terms: Dict[str, Dict[str, List[str]]] = {}
    for row in read_jsonl(ENTITY_PATTERNS_FILE):
        terms.setdefault(row["label"], {}).setdefault(row["id"], []).append(row["pattern"])
    return terms


@cache
def symptom_terms() -> Dict[str, List[str]]:
    """Red-flag symptom category -> its phrase patterns."""
    terms: Dict[str, List[str]] = {}
    for row in read_jsonl(SYMPTOM_PATTERNS_FILE):
        if isinstance(row["pattern"], str):
            terms.setdefault(row["id"], []).append(row["pattern"])
    return terms


@cache
def symptom_token_patterns() -> Dict[str, List[List[Dict[str, Any]]]]:
    """Red-flag symptom category -> its token patterns (phrasings with many spellings)."""
    patterns: Dict[str, List[List[Dict[str, Any]]]] = {}
    for row in read_jsonl(SYMPTOM_PATTERNS_FILE):
        if not isinstance(row["pattern"], str):
            patterns.setdefault(row["id"], []).append(row["pattern"])
    return patterns


@cache
def symptom_categories() -> Dict[str, List[str]]:
    """`emergency` and `other`: the symptom categories of each kind."""
    return {kind: list(categories) for kind, categories in read_yaml(SYMPTOM_CATEGORIES_FILE).items()}


@cache
def emergency_categories() -> FrozenSet[str]:
    """The symptom categories that mean: call emergency services."""
    return frozenset(symptom_categories()["emergency"])


__all__ = [
    "SYMPTOM_LABEL",
    "VOCABULARY_FILES",
    "canonical_lemmas",
    "emergency_categories",
    "entity_ruler_patterns",
    "entity_terms",
    "symptom_categories",
    "symptom_terms",
    "symptom_token_patterns",
]
