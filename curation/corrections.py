"""The console's corrections export: read, parsed and checked against the domain.

A file that is empty, too large, binary, not UTF-8, not YAML or not an NLU file is
refused with a `CorrectionsError` naming the problem; so is one naming an intent the
domain does not have. Nothing is written in either case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Set

import yaml

from assistant.project_files import ProjectFileError, read_domain

MAX_BYTES = 1024 * 1024  # an export of thousands of corrections is a few hundred KiB
INTENT_NAME = re.compile(r"[A-Za-z0-9_]+(/[A-Za-z0-9_]+)?")


class CorrectionsError(ValueError):
    """The corrections file cannot be used; the message says why."""


@dataclass(frozen=True)
class Correction:
    intent: str
    text: str


@dataclass(frozen=True)
class DomainNames:
    intents: FrozenSet[str]
    responses: FrozenSet[str]


def clean_example(text: str) -> str:
    """One line of training text, as the console exports it: whitespace collapsed and
    brackets neutralised, so Rasa never reads ``[x](y)`` in a parent's words as entity markup."""
    return " ".join(text.split()).replace("[", "(").replace("]", ")")


def decode(data: bytes, source: str) -> str:
    """The file's text, or a `CorrectionsError` for an empty, huge, binary or non-UTF-8 file."""
    if not data.strip():
        raise CorrectionsError(f"{source} is empty: export the corrections again from the console")
    if len(data) > MAX_BYTES:
        raise CorrectionsError(
            f"{source} is too large ({len(data)} bytes, at most {MAX_BYTES}): "
            "not a corrections export, or split it"
        )
    if b"\x00" in data:
        raise CorrectionsError(f"{source} is a binary file, not a corrections export (YAML text)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CorrectionsError(
            f"{source} is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}): "
            "export it again from the console"
        ) from None
    return text.removeprefix("\ufeff")


def _examples(value: Any, intent: str, source: str) -> List[str]:
    if not isinstance(value, str):
        raise CorrectionsError(f"{source}: the examples of {intent!r} are not an `examples: |` list")
    examples = []
    for number, line in enumerate(value.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("- "):
            raise CorrectionsError(
                f"{source}: example line {number} of {intent!r} does not start with '- ': {stripped[:80]!r}"
            )
        example = clean_example(stripped[2:])
        if example:
            examples.append(example)
    return examples


def parse_corrections(text: str, source: str = "the corrections file") -> List[Correction]:
    """The (intent, example) pairs of an NLU YAML text, in file order, without repeats."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(error, "problem", None) or error
        raise CorrectionsError(f"{source} is not valid YAML{where}: {problem}") from None
    if not isinstance(data, dict) or not isinstance(data.get("nlu"), list):
        raise CorrectionsError(f"{source} is not Rasa NLU data: it has no `nlu:` list")
    result: List[Correction] = []
    for index, block in enumerate(data["nlu"], start=1):
        if not isinstance(block, dict) or "intent" not in block:
            raise CorrectionsError(
                f"{source}: entry {index} of `nlu:` is not an `- intent:` block "
                "(only intent examples are merged, not synonyms, regexes or lookups)"
            )
        intent = block["intent"]
        if not isinstance(intent, str) or not INTENT_NAME.fullmatch(intent):
            raise CorrectionsError(f"{source}: entry {index} has an invalid intent name: {intent!r}")
        for example in _examples(block.get("examples"), intent, source):
            correction = Correction(intent, example)
            if correction not in result:
                result.append(correction)
    if not result:
        raise CorrectionsError(f"{source} holds no corrections: nothing to merge")
    return result


def read_corrections(path: Path) -> List[Correction]:
    if not path.is_file():
        raise CorrectionsError(f"no such file: {path}")
    if path.stat().st_size > MAX_BYTES:  # refused before reading it into memory
        raise CorrectionsError(f"{path} is too large ({path.stat().st_size} bytes, at most {MAX_BYTES})")
    return parse_corrections(decode(path.read_bytes(), str(path)), str(path))


def domain_names(text: str) -> DomainNames:
    """The intents and response names of one domain file's text."""
    return names_of(yaml.safe_load(text) or {})


def names_of(data: Dict[str, Any]) -> DomainNames:
    """The intents and response names of a domain (one file's, or the merged folder's)."""
    intents: Set[str] = set()
    for item in data.get("intents") or []:
        # `- greet` or `- greet: {use_entities: ...}`
        intents.update(item if isinstance(item, dict) else [item])
    return DomainNames(frozenset(map(str, intents)), frozenset(map(str, data.get("responses") or {})))


def load_domain(path: Path) -> DomainNames:
    """The names of the domain at `path`: the project's `domain/` folder (merged) or one file."""
    if path.is_dir():
        try:
            return names_of(read_domain(path))
        except ProjectFileError as error:
            raise CorrectionsError(str(error)) from error
    return domain_names(path.read_text(encoding="utf-8"))


def domain_problems(corrections: List[Correction], domain: DomainNames) -> List[str]:
    """One message per intent the domain cannot train: unknown, or a retrieval intent
    without its key, or a key without its ``utter_<intent>/<key>`` response."""
    problems: List[str] = []
    for intent in dict.fromkeys(c.intent for c in corrections):
        base, _, key = intent.partition("/")
        retrieval = any(name.startswith(f"utter_{base}/") for name in domain.responses)
        if base not in domain.intents:
            problems.append(f"unknown intent {intent!r}: {base!r} is not an intent of the domain")
        elif key and f"utter_{intent}" not in domain.responses:
            problems.append(
                f"unknown answer {intent!r}: the domain has no response utter_{intent} "
                f"(known keys: {', '.join(_keys(base, domain)) or 'none'})"
            )
        elif not key and retrieval:
            problems.append(f"{intent!r} is a retrieval intent: name the answer, e.g. {base}/<key>")
    return problems


def _keys(base: str, domain: DomainNames) -> List[str]:
    prefix = f"utter_{base}/"
    return sorted(name[len(prefix) :] for name in domain.responses if name.startswith(prefix))
