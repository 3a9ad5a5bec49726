"""The corpus the conversations are made of: training examples, replies and rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant import project_files
from assistant.names import (
    FALLBACK_INTENT,
    FAQ_INTENT,
    FEEDBACK_ENTITY,
    FEEDBACK_INTENT,
    URGENCY_SLOT,
    URGENT_RESPONSE,
)
from assistant.settings import PROJECT_ROOT
from console_tools.seed.constants import (
    CONTENT_MIX,
    CORE_FALLBACK_REPLY,
    FALLBACK_REPLY,
    FEEDBACK_REPLIES,
)


# ------------------------------------------------------------------------ the corpus
@dataclass(frozen=True)
class Reply:
    text: str
    buttons: list[dict[str, str]] | None
    custom: dict[str, Any] | None
    condition: str | None  # the urgency_level a variation needs, if any
    template: str  # the unfilled text (what the response selector returns)


@dataclass(frozen=True)
class Corpus:
    """Parents' example texts per intent (``faq/<key>`` for FAQ topics), the domain's
    replies, and which action the rules run for each intent."""

    examples: dict[str, list[str]]
    feedback_examples: dict[str, list[str]]  # typed ratings by the value they carry
    replies: dict[str, list[Reply]]
    rule_actions: dict[str, str]
    faq_keys: list[str]
    intents: list[str]


_FEEDBACK_VALUE = re.compile(r'"entity":\s*"' + re.escape(FEEDBACK_ENTITY) + r'",\s*"value":\s*"(\w+)"')
_SLOT = re.compile(r"\{(\w+)\}")


def _read_yaml(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


def _read_examples(nlu_dir: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The example texts per intent, and the typed ratings by the value they carry."""
    examples: dict[str, list[str]] = {}
    feedback_examples: dict[str, list[str]] = {}
    for path in sorted(nlu_dir.glob("*.yml")):
        for block in _read_yaml(path).get("nlu") or []:
            if not isinstance(block, dict) or "intent" not in block:
                continue
            lines = [line.strip()[2:] for line in str(block.get("examples") or "").splitlines()]
            for line in lines:
                text = project_files.strip_entity_markup(line).strip()
                if not text:
                    continue
                examples.setdefault(str(block["intent"]), []).append(text)
                value = _FEEDBACK_VALUE.search(line)
                if block["intent"] == FEEDBACK_INTENT and value:
                    feedback_examples.setdefault(value.group(1), []).append(text)
    return examples, feedback_examples


def _read_replies(domain: dict[str, Any]) -> dict[str, list[Reply]]:
    slots = domain.get("slots") or {}
    values = {name: str((slots.get(name) or {}).get("initial_value") or "") for name in slots}
    replies: dict[str, list[Reply]] = {}
    for name, variations in (domain.get("responses") or {}).items():
        for variation in variations or []:
            template = " ".join(str(variation.get("text") or "").split())
            condition = next(
                (
                    str(c.get("value"))
                    for c in variation.get("condition") or []
                    if c.get("name") == URGENCY_SLOT
                ),
                None,
            )
            reply = Reply(
                text=_SLOT.sub(lambda m: values.get(m.group(1), m.group(0)), template),
                buttons=variation.get("buttons"),
                custom=variation.get("custom"),
                condition=condition,
                template=template,
            )
            replies.setdefault(str(name), []).append(reply)
    return replies


def _read_rule_actions(rules_dir: Path) -> dict[str, str]:
    rule_actions: dict[str, str] = {}
    for path in sorted(rules_dir.glob("*.yml")):
        for rule in _read_yaml(path).get("rules") or []:
            steps = rule.get("steps") or []
            if len(steps) >= 2 and "intent" in steps[0] and "action" in steps[1]:
                rule_actions.setdefault(str(steps[0]["intent"]), str(steps[1]["action"]))
    return rule_actions


def _check_complete(
    examples: dict[str, list[str]], replies: dict[str, list[Reply]], rule_actions: dict[str, str]
) -> None:
    needed = [i for i, _ in CONTENT_MIX if i not in (FAQ_INTENT, FALLBACK_INTENT)] + ["goodbye"]
    missing = [i for i in needed if not examples.get(i) or i not in rule_actions]
    missing += [i for i in (FALLBACK_INTENT, FEEDBACK_INTENT) if i not in rule_actions]
    missing += [r for r in (URGENT_RESPONSE, FALLBACK_REPLY, CORE_FALLBACK_REPLY, *FEEDBACK_REPLIES.values())
                if r not in replies]  # fmt: skip
    if missing:
        raise ValueError(f"training data, rules or domain lack: {', '.join(sorted(set(missing)))}")


def load_corpus(root: Path = PROJECT_ROOT) -> Corpus:
    """The training examples, replies and rules the conversations are made of."""
    nlu_dir = root / "data" / "nlu"
    if not nlu_dir.is_dir():
        raise FileNotFoundError(f"no training data at {nlu_dir}")
    examples, feedback_examples = _read_examples(nlu_dir)
    domain = project_files.read_domain(root / "domain")
    replies = _read_replies(domain)
    rule_actions = _read_rule_actions(root / "data" / "rules")
    prefix = f"{FAQ_INTENT}/"
    faq_keys = sorted(i[len(prefix) :] for i in examples if i.startswith(prefix))
    faq_keys = [k for k in faq_keys if f"utter_{FAQ_INTENT}/{k}" in replies]
    if not faq_keys:
        raise ValueError("no FAQ topics with both training examples and a reply")
    intents = [str(i) for i in domain.get("intents") or [] if isinstance(i, str)]
    _check_complete(examples, replies, rule_actions)
    return Corpus(examples, feedback_examples, replies, rule_actions, faq_keys, intents)
