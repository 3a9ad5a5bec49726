"""What the training data already says: every example of ``data/nlu/`` by its comparison key,
and the texts of the held-out sets, which must never be trained on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Tuple

import yaml

from assistant.project_files import strip_entity_markup
from evaluation.sets import load_cases


@dataclass(frozen=True)
class Known:
    intent: str
    path: Path
    text: str


def example_key(text: str) -> str:
    """Examples are the same when they differ only in case, whitespace or entity markup."""
    return " ".join(strip_entity_markup(text).casefold().split())


def nlu_files(nlu_dir: Path) -> List[Path]:
    return sorted(p for p in nlu_dir.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())


def text_examples(text: str) -> List[Tuple[str, str]]:
    """The (intent, example) pairs of an NLU YAML text (string ``examples: |`` blocks)."""
    data = yaml.safe_load(text)
    blocks = data.get("nlu") if isinstance(data, dict) else None
    result: List[Tuple[str, str]] = []
    for block in blocks if isinstance(blocks, list) else []:
        if not isinstance(block, dict) or "intent" not in block or not isinstance(block.get("examples"), str):
            continue
        for line in block["examples"].splitlines():
            if line.strip().startswith("- "):
                result.append((str(block["intent"]), line.strip()[2:].strip()))
    return result


def file_examples(path: Path) -> List[Known]:
    return [Known(intent, path, text) for intent, text in text_examples(path.read_text(encoding="utf-8"))]


class Index:
    """Known examples by key; `add` records an accepted correction so that a later
    correction is compared with it too."""

    def __init__(self, known: Iterable[Known] = ()) -> None:
        self._by_key: Dict[str, List[Known]] = {}
        for item in known:
            self.add(item)

    def add(self, item: Known) -> None:
        self._by_key.setdefault(example_key(item.text), []).append(item)

    def find(self, text: str) -> List[Known]:
        return list(self._by_key.get(example_key(text), []))


def load_index(nlu_dir: Path) -> Index:
    return Index(item for path in nlu_files(nlu_dir) for item in file_examples(path))


def held_out_texts(paths: Iterable[Path]) -> Dict[str, str]:
    """Example key -> the name of the held-out set (any format `evaluation` reads) holding it."""
    result: Dict[str, str] = {}
    for path in paths:
        if path.is_file():
            for case in load_cases(path):
                result.setdefault(example_key(case.text), path.name)
    return result
