"""Exports: filtered conversations as CSV, corrections as Rasa NLU training data."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import UTC, datetime

from web.console.services.conversations import Conversation
from web.console.services.corrections import Correction

CSV_COLUMNS = (
    "conversation_id",
    "time",
    "sender",
    "text",
    "intent",
    "confidence",
    "response",
    "response_confidence",
    "flags",
)
# Characters a spreadsheet may read as the start of a formula (ASCII and full-width),
# and the separators a cell may be split on when opened with another delimiter.
_FORMULA = "=+\\-@\t\r\uff1d\uff0b\uff0d\uff20"
_SEPARATORS = ";,|\t\r\n"
_FORMULA_AT_START = re.compile(rf"^\s*[{_FORMULA}]")
_FORMULA_AFTER_SEPARATOR = re.compile(rf"([{_SEPARATORS}][ ]*)(?=[{_FORMULA}])")


def iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat(timespec="seconds")


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: an apostrophe before any formula start,
    at the beginning and after each separator (``x;=WEBSERVICE(...)``)."""
    text = "" if value is None else str(value)
    text = _FORMULA_AFTER_SEPARATOR.sub(r"\1'", text)
    return "'" + text if _FORMULA_AT_START.match(text) else text


def conversations_csv(conversations: Iterable[Conversation], header: bool = True) -> str:
    """One row per message (user, bot, feedback); user text redacted; every cell
    quoted and formula-safe. Without ``header``, a chunk to append to a streamed file."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    if header:
        writer.writerow(CSV_COLUMNS)
    for conversation in conversations:
        for m in conversation.messages:
            sender = "bot" if m.kind == "bot" else "user"
            text = m.redacted_text
            if m.kind == "feedback":
                text = f"feedback: {m.feedback_value or ''}"
            row = (
                conversation.sender_id,
                iso(m.timestamp),
                sender,
                text,
                m.intent or "",
                "" if m.confidence is None else f"{m.confidence:.3f}",
                m.response_key or "",
                "" if m.response_confidence is None else f"{m.response_confidence:.3f}",
                " ".join(sorted(m.flags)),
            )
            writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


def _example(text: str) -> str:
    """One line of training text that Rasa will read literally."""
    text = " ".join(text.split())
    # Rasa reads "[x](y)" / "[x]{...}" as entity markup: neutralise brackets.
    text = text.replace("[", "(").replace("]", ")")
    return text


def nlu_yaml(corrections: Iterable[Correction]) -> str:
    """Corrections as ``data/nlu`` YAML: one ``- intent:`` block per corrected intent."""
    grouped: dict[str, list[str]] = {}
    for correction in corrections:
        example = _example(correction.text)
        if example and example not in grouped.setdefault(correction.intent, []):
            grouped[correction.intent].append(example)
    lines = [
        'version: "3.1"',
        "# Corrections exported from the staff console. Review, then add to data/nlu/.",
        "nlu:",
    ]
    for intent in sorted(grouped):
        if not re.fullmatch(r"[A-Za-z0-9_]+(/[A-Za-z0-9_]+)?", intent):
            continue
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        lines.extend(f"    - {example}" for example in grouped[intent])
    if len(lines) == 3:
        lines[-1] = "nlu: []"
    return "\n".join(lines) + "\n"
