"""The FAQ topics (retrieval intent keys) and the intents a correction may choose, read
from `domain.yml` (the one list of intents and answers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from assistant.names import (
    FAQ_INTENT,
    FEEDBACK_INTENT,
    MEDICINE_INTENT,
    OUT_OF_SCOPE_INTENT,
    SMALL_TALK_INTENTS,
    URGENT_INTENT,
)
from assistant.settings import PROJECT_ROOT
from assistant.topics import TOPIC_TITLES

# Without a domain file: the topics the bot titles, and the intents every domain has.
FALLBACK_OTHER_INTENTS = (URGENT_INTENT, OUT_OF_SCOPE_INTENT, MEDICINE_INTENT, *SMALL_TALK_INTENTS)


def _domain(domain_path: Path | None) -> dict[str, Any]:
    path = domain_path or PROJECT_ROOT / "domain.yml"
    try:
        domain = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return domain if isinstance(domain, dict) else {}


def faq_keys(domain_path: Path | None = None) -> list[str]:
    """FAQ keys from the domain's ``utter_faq/<key>`` responses, else the titled topics."""
    responses = _domain(domain_path).get("responses") or {}
    prefix = f"utter_{FAQ_INTENT}/"
    keys = sorted(str(name)[len(prefix) :] for name in responses if str(name).startswith(prefix))
    return keys or sorted(TOPIC_TITLES)


def correction_choices(domain_path: Path | None = None) -> list[str]:
    """Every intent a staff member may assign: ``faq/<key>``, then the domain's other intents
    (not feedback, which only the thumbs send)."""
    intents = [str(i) for i in _domain(domain_path).get("intents") or [] if isinstance(i, str)]
    others = [i for i in intents if i not in (FAQ_INTENT, FEEDBACK_INTENT)] or list(FALLBACK_OTHER_INTENTS)
    return [f"{FAQ_INTENT}/{key}" for key in faq_keys(domain_path)] + others
