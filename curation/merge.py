"""The textual merge: accepted examples appended to the ``- intent:`` block that already holds
the intent in ``data/nlu/``, the file's formatting and comments kept as they are.

Each merged text is re-read as YAML and must hold exactly the old examples plus the new
ones under the right intents, or nothing is written (`MergeError`).
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Sequence

import yaml

from curation.corrections import Correction
from curation.training_data import nlu_files, text_examples

NEW_FILE = "corrections.yml"
NEW_FILE_HEADER = (
    'version: "3.1"\n'
    "# Staff corrections (`make corrections`) for intents that had no block in data/nlu/ yet.\n"
    "nlu:\n"
)
_ITEM = re.compile(r"^(?P<indent> *)- intent:\s*(?P<q>[\"']?)(?P<name>[A-Za-z0-9_/]+)(?P=q)\s*(#.*)?$")
_EXAMPLES = re.compile(r"^(?P<indent> *)examples:\s*\|[-+]?\d*\s*(#.*)?$")


class MergeError(RuntimeError):
    """The merge would not give the expected training data; nothing was written."""


@dataclass(frozen=True)
class Block:
    """An ``- intent:`` block with an ``examples: |`` scalar: new examples go after ``last_line``
    (0-based, the block's last non-blank line), indented like its examples."""

    intent: str
    path: Path
    last_line: int
    indent: str
    count: int


@dataclass
class Change:
    path: Path
    created: bool
    text: str
    added: Dict[str, List[str]] = field(default_factory=dict)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def find_blocks(text: str, path: Path) -> List[Block]:
    lines = text.splitlines()
    blocks = []
    for start, line in enumerate(lines):
        item = _ITEM.match(line)
        if not item:
            continue
        item_indent = len(item["indent"])
        key_at, key_indent = -1, 0
        for number in range(start + 1, len(lines)):
            current = lines[number]
            if not current.strip() or current.lstrip().startswith("#"):
                continue
            if _indent(current) <= item_indent:
                break
            key = _EXAMPLES.match(current)
            if key:
                key_at, key_indent = number, len(key["indent"])
                break
        if key_at < 0:
            continue
        last, count, example_indent = key_at, 0, ""
        for number in range(key_at + 1, len(lines)):
            current = lines[number]
            if not current.strip():
                continue
            if _indent(current) <= key_indent:  # the scalar ends at a less indented line
                break
            last = number
            if current.lstrip().startswith("- "):
                count += 1
                example_indent = example_indent or current[: _indent(current)]
        blocks.append(Block(item["name"], path, last, example_indent or " " * (key_indent + 2), count))
    return blocks


def home_blocks(nlu_dir: Path) -> Dict[str, Block]:
    """For each intent, the block new examples go to: its largest block in ``nlu_dir``, so an
    intent with a main file and a few examples elsewhere grows in its main file."""
    homes: Dict[str, Block] = {}
    for path in nlu_files(nlu_dir):
        for block in find_blocks(_read(path), path):
            if block.intent not in homes or block.count > homes[block.intent].count:
                homes[block.intent] = block
    return homes


def destination(intent: str, homes: Dict[str, Block], nlu_dir: Path) -> Path:
    return homes[intent].path if intent in homes else nlu_dir / NEW_FILE


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def insert_examples(text: str, blocks: Sequence[Block], additions: Dict[str, List[str]]) -> str:
    """``text`` with each block's new examples inserted after its last line."""
    nl = _newline(text)
    lines = text.splitlines(keepends=True)
    for block in sorted(blocks, key=lambda b: b.last_line, reverse=True):
        if not lines[block.last_line].endswith(("\n", "\r")):
            lines[block.last_line] += nl
        new = [f"{block.indent}- {example}{nl}" for example in additions[block.intent]]
        lines[block.last_line + 1 : block.last_line + 1] = new
    return "".join(lines)


def append_blocks(text: str, additions: Dict[str, List[str]]) -> str:
    """New ``- intent:`` blocks at the end of ``text`` (a new file when ``text`` is empty)."""
    nl = _newline(text)
    if not text:
        text = NEW_FILE_HEADER
    elif not text.endswith("\n"):
        text += nl
    for intent, examples in additions.items():
        text += f"{nl}- intent: {intent}{nl}  examples: |{nl}"
        text += "".join(f"    - {example}{nl}" for example in examples)
    return text


def verify(before: str, after: str, additions: Dict[str, List[str]], path: Path) -> None:
    """``after`` must hold ``before``'s examples plus ``additions``, each under its intent."""
    try:
        got = Counter(text_examples(after))
    except yaml.YAMLError as error:
        raise MergeError(f"merging into {path} would break its YAML: {error}") from None
    want = Counter(text_examples(before) if before else [])
    want.update((intent, example) for intent, examples in additions.items() for example in examples)
    if got != want:
        missing = sorted(f"{i}: {e}" for (i, e) in (want - got))
        extra = sorted(f"{i}: {e}" for (i, e) in (got - want))
        raise MergeError(
            f"merging into {path} would not give the expected examples; nothing written "
            f"(missing: {missing[:5]}, unexpected: {extra[:5]})"
        )


def plan(accepted: Sequence[Correction], nlu_dir: Path) -> List[Change]:
    """The new text of every file the accepted corrections go to, checked; nothing written."""
    homes = home_blocks(nlu_dir)
    by_file: Dict[Path, Dict[str, List[str]]] = {}
    for correction in accepted:
        target = by_file.setdefault(destination(correction.intent, homes, nlu_dir), {})
        target.setdefault(correction.intent, []).append(correction.text)
    changes = []
    for path, additions in by_file.items():
        before = _read(path) if path.exists() else ""
        blocks = [homes[intent] for intent in additions if intent in homes and homes[intent].path == path]
        after = insert_examples(before, blocks, additions)
        fresh = {intent: examples for intent, examples in additions.items() if intent not in homes}
        if fresh:
            after = append_blocks(after, fresh)
        verify(before, after, additions, path)
        changes.append(Change(path, not path.exists(), after, additions))
    return changes


def write(changes: Sequence[Change]) -> None:
    """Every changed file, each replaced at once (a temporary file renamed over it)."""
    temporary = []
    try:
        for change in changes:
            change.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = change.path.with_name(f".{change.path.name}.curation-tmp")
            tmp.write_bytes(change.text.encode("utf-8"))
            if change.path.exists():
                shutil.copymode(change.path, tmp)
            temporary.append((tmp, change.path))
    except BaseException:
        for tmp, _ in temporary:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, path in temporary:
        os.replace(tmp, path)


def _read(path: Path) -> str:
    # Bytes, not read_text: universal newlines would turn a CRLF file into LF.
    return path.read_bytes().decode("utf-8")
