"""The project's own files, read one way by every process: the domain (the `domain/` folder,
merged as Rasa merges it), NLU examples with their entity markup removed, the FAQ topic keys.

Standard library and PyYAML only, so the Rasa environment, the web app and the tools import
it alike. A missing or broken file raises `ProjectFileError` with the path and the reason;
nothing falls back silently to an empty domain.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml

from assistant.names import FAQ_INTENT

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Rasa trains and serves with this folder (`rasa train --domain domain`); its files are merged.
DOMAIN_DIR = PROJECT_ROOT / "domain"
NLU_DIR = PROJECT_ROOT / "data" / "nlu"

# `[text](entity)` or `[text]{"entity": ...}` in a Rasa NLU example.
_ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))")
# The keys whose lists and mappings Rasa joins across domain files.
_LIST_KEYS = ("intents", "entities", "actions")
_MAPPING_KEYS = ("slots", "responses", "forms", "session_config")


class ProjectFileError(RuntimeError):
    """A project file is missing, unreadable, or not shaped as Rasa expects."""


def read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ProjectFileError(f"{path} cannot be read: {error}") from error


def domain_files(domain_dir: Path = DOMAIN_DIR) -> List[Path]:
    files = sorted(p for p in domain_dir.rglob("*.yml") if p.is_file()) if domain_dir.is_dir() else []
    if not files:
        raise ProjectFileError(f"{domain_dir} holds no domain files (*.yml)")
    return files


def merge_domains(parts: List[Dict[str, Any]]) -> Dict[str, Any]:
    """One domain from several: lists joined without repeats, mappings updated in file order."""
    merged: Dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            if key in _LIST_KEYS:
                known = merged.setdefault(key, [])
                known.extend(item for item in value or [] if item not in known)
            elif key in _MAPPING_KEYS:
                merged.setdefault(key, {}).update(value or {})
            else:
                merged[key] = value
    return merged


def read_domain(domain_dir: Path = DOMAIN_DIR) -> Dict[str, Any]:
    parts = []
    for path in domain_files(domain_dir):
        data = read_yaml(path)
        if not isinstance(data, dict):
            raise ProjectFileError(f"{path} is not a mapping of domain keys")
        parts.append(data)
    return merge_domains(parts)


@lru_cache(maxsize=1)
def domain() -> Dict[str, Any]:
    """The project's domain, read once per process."""
    return read_domain(DOMAIN_DIR)


def faq_keys(merged: Dict[str, Any]) -> List[str]:
    """The FAQ topic keys: the domain's ``utter_faq/<key>`` responses, sorted."""
    prefix = f"utter_{FAQ_INTENT}/"
    names = (str(name) for name in merged.get("responses") or {})
    return sorted(name[len(prefix) :] for name in names if name.startswith(prefix))


def strip_entity_markup(example: str) -> str:
    """An NLU example as a parent would type it: ``[CRS](topic)`` becomes ``CRS``."""
    return _ENTITY_MARKUP.sub(r"\1", example)


def example_lines(block: str) -> List[str]:
    """The examples of one NLU block's ``examples: |`` text, markup removed."""
    lines = (line.strip() for line in block.splitlines())
    return [strip_entity_markup(line[2:].strip()) for line in lines if line.startswith("- ")]


def nlu_examples(path: Path) -> List[Tuple[str, str]]:
    """(intent, plain text) for every example of one NLU file, in file order."""
    data = read_yaml(path) or {}
    if not isinstance(data, dict):
        raise ProjectFileError(f"{path} is not an NLU file")
    return [
        (str(block["intent"]), text)
        for block in data.get("nlu") or []
        if isinstance(block, dict) and "intent" in block
        for text in example_lines(str(block.get("examples") or ""))
    ]
