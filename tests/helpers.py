"""Shared readers for the tests: project files, the article, word n-grams."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Set, Tuple

from assistant import project_files
from assistant.settings import DEFAULT_CARE_TEAM_CONTACT

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "medical-source"
ARTICLE = SOURCE / "crs-article.txt"
CONTRACT = SOURCE / "faq-topics.md"
DEFAULT_SLOTS = {
    "care_team_contact": DEFAULT_CARE_TEAM_CONTACT,
    "emergency_number": "911",
}


def words(text: str) -> List[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "'").replace("'", ""))


def ngrams(tokens: List[str], n: int) -> Set[Tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


@lru_cache(maxsize=1)
def article_ngrams(n: int = 8) -> Set[Tuple[str, ...]]:
    return ngrams(words(ARTICLE.read_text(encoding="utf-8")), n)


@lru_cache(maxsize=1)
def contract_keys() -> List[str]:
    """The `faq/<key>` keys of the contract's topic table."""
    text = CONTRACT.read_text(encoding="utf-8")
    return [k for k in re.findall(r"^\| ([a-z0-9_]+) \|", text, flags=re.MULTILINE) if k != "key"]


def domain() -> Dict:
    """The project's domain: the `domain/` folder merged (assistant/project_files.py)."""
    return project_files.domain()


def response_texts() -> Dict[str, List[str]]:
    return {name: [v["text"] for v in variations] for name, variations in domain()["responses"].items()}


def filled(text: str) -> str:
    """A response as the user reads it, with the default slot values."""
    return text.format(**DEFAULT_SLOTS)


def nlu_examples(path: Path) -> Dict[str, List[str]]:
    """Intent -> plain-text examples (entity markup removed) of one NLU file."""
    out: Dict[str, List[str]] = {}
    for intent, text in project_files.nlu_examples(path):
        out.setdefault(intent, []).append(text)
    return out


def training_examples() -> Dict[str, List[str]]:
    merged: Dict[str, List[str]] = {}
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for intent, examples in nlu_examples(path).items():
            merged.setdefault(intent, []).extend(examples)
    return merged
