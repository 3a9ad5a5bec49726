"""The data files of the medical vocabulary (assistant/nlu/vocabulary/): each one well formed.

A clinician edits these files by hand, so every rule a mistake could break is checked here:
required keys, allowed labels, lowercase where matching is on lowercase or the norm, no
duplicates, nothing empty, every symptom category declared, and spaCy's EntityRuler accepting
every pattern (validated against spaCy's own pattern schema).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest
import spacy
import yaml

from assistant.names import SYMPTOM_LABEL
from assistant.nlu import medical_terms
from assistant.nlu.medical_terms import (
    ENTITY_PATTERNS_FILE,
    MISSPELLINGS_FILE,
    SYMPTOM_CATEGORIES_FILE,
    SYMPTOM_PATTERNS_FILE,
    VOCABULARY_FILES,
    read_text,
)

PATTERN_KEYS = {"label", "pattern", "id"}
ALLOWED_LABELS = {
    ENTITY_PATTERNS_FILE: {"drug", "therapy", "body_system"},
    SYMPTOM_PATTERNS_FILE: {SYMPTOM_LABEL},
}
CATEGORY_KINDS = {"emergency", "other"}
# Token attributes compared with the token's lowercase form or its norm (lowercase too).
LOWERCASE_ATTRS = {"LOWER", "NORM"}


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice (PyYAML keeps the last one silently)."""


def _unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> Dict[Any, Any]:
    keys = [loader.construct_object(key) for key, _ in node.value]
    repeated = sorted(str(k) for k, n in Counter(keys).items() if n > 1)
    if repeated:
        raise yaml.constructor.ConstructorError(None, None, f"keys given twice: {repeated}", node.start_mark)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def _yaml(name: str) -> Any:
    return yaml.load(read_text(name), Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)


def _jsonl(name: str) -> List[Tuple[int, Any]]:
    lines = read_text(name).splitlines()
    return [(number, json.loads(line)) for number, line in enumerate(lines, start=1)]


def _lowercase_values(pattern: Any) -> Iterator[Tuple[str, Any]]:
    """(attribute, value) for every LOWER / NORM value in a token pattern, IN lists included."""
    for token in pattern:
        for attr, value in token.items():
            if attr not in LOWERCASE_ATTRS:
                continue
            if isinstance(value, str):
                yield attr, value
            elif isinstance(value, dict):
                for operator, operand in value.items():
                    for item in operand if isinstance(operand, list) else [operand]:
                        yield f"{attr}.{operator}", item


def _is_lowercase_phrase(text: str) -> bool:
    return bool(text) and text == text.strip() and text == text.lower() and "  " not in text


# ---------------------------------------------------------------------------- every file


@pytest.mark.parametrize("name", VOCABULARY_FILES)
def test_every_file_exists_and_is_not_empty(name):
    assert read_text(name).strip(), name


@pytest.mark.parametrize("name", [MISSPELLINGS_FILE, SYMPTOM_CATEGORIES_FILE])
def test_yaml_files_open_with_a_header_saying_what_they_are_and_how_to_change_them(name):
    header = read_text(name).split("\n\n")[0].splitlines()
    assert header[0].startswith("# ") and len(header) >= 3, name
    assert "To change" in read_text(name), name


# ---------------------------------------------------------------------------- misspellings


def test_misspellings_are_one_lowercase_word_each_mapped_to_one_lowercase_word():
    data = _yaml(MISSPELLINGS_FILE)
    assert set(data) == {"misspellings"}
    misspellings = data["misspellings"]
    assert isinstance(misspellings, dict) and misspellings
    for word, canonical in misspellings.items():
        # YAML reads `no`, `on`, `1.5` as other types: every key and value must stay a string.
        assert isinstance(word, str) and isinstance(canonical, str), (word, canonical)
        for text in (word, canonical):
            assert text and text == text.lower() and not any(c.isspace() for c in text), (word, canonical)


def test_a_canonical_spelling_is_not_itself_listed_as_a_misspelling_of_another_word():
    misspellings = _yaml(MISSPELLINGS_FILE)["misspellings"]
    chained = {w: c for w, c in misspellings.items() if c in misspellings and misspellings[c] != c}
    assert not chained


# ---------------------------------------------------------------------------- patterns


@pytest.mark.parametrize("name", [ENTITY_PATTERNS_FILE, SYMPTOM_PATTERNS_FILE])
def test_every_line_is_one_pattern_with_the_required_keys_and_an_allowed_label(name):
    rows = _jsonl(name)
    assert rows, name
    for number, row in rows:
        where = f"{name}:{number}"
        assert isinstance(row, dict) and set(row) == PATTERN_KEYS, where
        assert row["label"] in ALLOWED_LABELS[name], where
        assert isinstance(row["id"], str) and _is_lowercase_phrase(row["id"]), where
        pattern = row["pattern"]
        if isinstance(pattern, str):
            # Phrases are matched on the token's norm, which is lowercase: "Keppra" would never match.
            assert _is_lowercase_phrase(pattern), where
        else:
            assert isinstance(pattern, list) and pattern, where
            assert all(isinstance(token, dict) and token for token in pattern), where
            for attr, value in _lowercase_values(pattern):
                assert not isinstance(value, str) or value == value.lower(), (where, attr, value)


@pytest.mark.parametrize("name", [ENTITY_PATTERNS_FILE, SYMPTOM_PATTERNS_FILE])
def test_no_pattern_is_listed_twice_nor_under_two_ids(name):
    keys = [(row["label"], json.dumps(row["pattern"], sort_keys=True)) for _, row in _jsonl(name)]
    repeated = [key for key, n in Counter(keys).items() if n > 1]
    assert not repeated, repeated


def test_every_symptom_pattern_is_in_a_declared_category_and_every_category_has_patterns():
    categories = _yaml(SYMPTOM_CATEGORIES_FILE)
    declared = {c for kind in categories.values() for c in kind}
    used = {row["id"] for _, row in _jsonl(SYMPTOM_PATTERNS_FILE)}
    assert used == declared


@pytest.mark.parametrize("name", [ENTITY_PATTERNS_FILE, SYMPTOM_PATTERNS_FILE])
def test_spacys_entity_ruler_accepts_every_pattern(name):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "NORM", "validate": True})
    patterns = [row for _, row in _jsonl(name)]
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    assert len(ruler) == len(patterns)
    assert {row["label"] for row in patterns} <= set(ruler.labels)  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------- categories


def test_symptom_categories_are_two_disjoint_lists_of_unique_lowercase_names():
    categories = _yaml(SYMPTOM_CATEGORIES_FILE)
    assert set(categories) == CATEGORY_KINDS
    for kind, names in categories.items():
        assert isinstance(names, list) and names, kind
        assert all(isinstance(n, str) and _is_lowercase_phrase(n) for n in names), kind
        assert len(names) == len(set(names)), kind
    assert not set(categories["emergency"]) & set(categories["other"])


def test_breathing_seizures_and_hard_to_wake_are_the_emergencies():
    """A change here changes what a parent is told in an emergency: it must be deliberate."""
    assert medical_terms.emergency_categories() == {"breathing", "seizure", "consciousness"}


# ---------------------------------------------------------------------------- the loader


def test_the_loader_reads_the_files_lazily_not_at_import():
    code = (
        "import assistant.nlu.medical_terms as m; "
        "print(sum(f.cache_info().currsize for f in (m.canonical_lemmas, m.entity_ruler_patterns, "
        "m.entity_terms, m.symptom_terms, m.symptom_token_patterns, m.emergency_categories)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "0"


def test_the_readers_give_the_file_contents():
    assert _yaml(MISSPELLINGS_FILE)["misspellings"] == medical_terms.canonical_lemmas()
    phrases = [row for _, row in _jsonl(SYMPTOM_PATTERNS_FILE) if isinstance(row["pattern"], str)]
    assert sum(len(p) for p in medical_terms.symptom_terms().values()) == len(phrases)
    patterns = medical_terms.entity_ruler_patterns()
    tokens = sum(len(p) for p in medical_terms.symptom_token_patterns().values())
    entities = sum(len(p) for concepts in medical_terms.entity_terms().values() for p in concepts.values())
    assert entities + len(phrases) + tokens == len(patterns)


def test_setup_rebuilds_the_spacy_pipeline_when_a_vocabulary_file_changes():
    """scripts/setup.sh hashes the files it builds build/spacy_crs_en from: each of these among them."""
    root = Path(__file__).resolve().parents[3]
    setup = (root / "scripts" / "setup.sh").read_text()
    hashed = re.search(r"^spacy_hash=\$\(cat ([^|]+)\|", setup, re.M)
    assert hashed
    covered = {path.resolve() for glob in hashed.group(1).split() for path in root.glob(glob)}
    vocabulary = root / "assistant" / "nlu" / "vocabulary"
    assert {(vocabulary / name).resolve() for name in VOCABULARY_FILES} <= covered
