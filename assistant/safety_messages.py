"""The fixed safety messages for parents who write in another language (`languages/`).

One data file, `languages/safety_messages.yml`, holds a short message per language: this
helper answers in English only; if your child is unwell now, contact the care team right
away; call the emergency number for trouble breathing, a seizure or a child who is hard to
wake; ask for an interpreter. A deployer extends it or switches it off there. The NLU's
language component (`assistant.nlu.language_classifier`) and the response generator
(`assistant.plugins.nlg`) read it through `load_safety_messages`, once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import yaml

from assistant.settings import PROJECT_ROOT, Settings

DEFAULT_FILE = PROJECT_ROOT / "languages" / "safety_messages.yml"
_CODE = re.compile(r"[a-z]{2,3}")
_PLACEHOLDERS = frozenset({"emergency_number", "care_team_phone"})
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
DIRECTIONS = ("ltr", "rtl")


class SafetyMessagesError(ValueError):
    """The safety-messages file is missing, unreadable or malformed."""


@dataclass(frozen=True)
class SafetyMessage:
    """One language's message; `text` and `phone` hold the placeholders above."""

    language: str
    name: str
    text: str
    phone: str
    direction: str = "ltr"

    def render(self, settings: Settings) -> str:
        """The message with the deployment's emergency number and care-team phone."""
        text = self.text.replace("{emergency_number}", settings.emergency_number)
        if settings.care_team_phone and self.phone:
            text += " " + self.phone.replace("{care_team_phone}", settings.care_team_phone)
        return text


@dataclass(frozen=True)
class SafetyMessages:
    enabled: bool
    messages: Mapping[str, SafetyMessage]

    def get(self, language: str) -> Optional[SafetyMessage]:
        return self.messages.get(language) if self.enabled else None


def parse_safety_messages(data: Any, source: str = "safety messages") -> SafetyMessages:
    """The messages of the file's parsed YAML; SafetyMessagesError names what is wrong."""
    if not isinstance(data, dict):
        raise SafetyMessagesError(f"{source}: expected a mapping with `enabled` and `messages`")
    enabled = data.get("enabled", True)
    if not isinstance(enabled, bool):
        raise SafetyMessagesError(f"{source}: `enabled` must be true or false, not {enabled!r}")
    raw = data.get("messages") or {}
    if not isinstance(raw, dict):
        raise SafetyMessagesError(f"{source}: `messages` must map language codes to messages")
    messages: Dict[str, SafetyMessage] = {}
    for code, entry in raw.items():
        messages[str(code)] = _message(str(code), entry, source)
    return SafetyMessages(enabled=enabled, messages=messages)


def _message(code: str, entry: Any, source: str) -> SafetyMessage:
    where = f"{source}: language {code!r}"
    if not _CODE.fullmatch(code):
        raise SafetyMessagesError(f"{where}: the key must be an ISO 639 code such as 'es'")
    if not isinstance(entry, dict) or not isinstance(entry.get("text"), str) or not entry["text"].strip():
        raise SafetyMessagesError(f"{where}: needs a non-empty `text`")
    text, phone = entry["text"].strip(), str(entry.get("phone") or "").strip()
    if "{emergency_number}" not in text:
        raise SafetyMessagesError(f"{where}: `text` must contain {{emergency_number}}")
    for field, value in (("text", text), ("phone", phone)):
        unknown = set(_PLACEHOLDER.findall(value)) - _PLACEHOLDERS
        if unknown:
            raise SafetyMessagesError(f"{where}: unknown placeholder in `{field}`: {sorted(unknown)}")
    direction = str(entry.get("direction") or "ltr")
    if direction not in DIRECTIONS:
        raise SafetyMessagesError(f"{where}: `direction` must be ltr or rtl, not {direction!r}")
    return SafetyMessage(code, str(entry.get("name") or code), text, phone, direction)


def read_safety_messages(path: Path = DEFAULT_FILE) -> SafetyMessages:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise SafetyMessagesError(f"{path} cannot be read: {error}") from error
    return parse_safety_messages(data, str(path))


@lru_cache(maxsize=1)
def load_safety_messages() -> SafetyMessages:
    """The project's file, read once per process."""
    return read_safety_messages(DEFAULT_FILE)
