"""The FAQ topics (retrieval intent keys) and the intents a correction may choose, read
from the domain (`domain/`, the one list of intents and answers, by assistant/project_files.py)."""

from __future__ import annotations

from assistant import project_files
from assistant.names import FAQ_INTENT, FEEDBACK_INTENT


def faq_keys() -> list[str]:
    """FAQ keys from the domain's ``utter_faq/<key>`` responses."""
    return project_files.faq_keys(project_files.domain())


def correction_choices() -> list[str]:
    """Every intent a staff member may assign: ``faq/<key>``, then the domain's other intents
    (not feedback, which only the thumbs send)."""
    intents = [str(i) for i in project_files.domain().get("intents") or [] if isinstance(i, str)]
    others = [i for i in intents if i not in (FAQ_INTENT, FEEDBACK_INTENT)]
    return [f"{FAQ_INTENT}/{key}" for key in faq_keys()] + others
