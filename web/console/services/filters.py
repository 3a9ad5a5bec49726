"""Filters for the conversation list and exports, parsed from untrusted query strings.

Every value is validated; anything invalid is ignored and reported. Valid values reach
SQL only as bound parameters (`web.console.services.listing`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from urllib.parse import urlencode

from web.console.services.messages import FLAGS

MAX_QUERY = 200


@dataclass
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    topic: str = ""
    flag: str = ""
    max_confidence: float | None = None
    reviewed: str = ""  # "", "yes", "no"
    q: str = ""
    page: int = 1
    errors: list[str] = field(default_factory=list)

    def query_string(self, **overrides: object) -> str:
        """These filters as a query string, e.g. for pagination and export links."""
        values: dict[str, object] = {
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "topic": self.topic,
            "flag": self.flag,
            "max_confidence": "" if self.max_confidence is None else self.max_confidence,
            "reviewed": self.reviewed,
            "q": self.q,
            "page": self.page,
        }
        values.update(overrides)
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})


def _date(raw: str, name: str, errors: list[str]) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(f"{name}: expected a date like 2025-01-31")
        return None


def parse_filters(params: Mapping[str, str], topics: list[str]) -> Filters:
    """Filters from query parameters; invalid values are dropped with an error."""
    errors: list[str] = []

    def get(name: str) -> str:
        return str(params.get(name, "") or "").strip()

    filters = Filters(errors=errors)
    filters.date_from = _date(get("date_from"), "From", errors)
    filters.date_to = _date(get("date_to"), "To", errors)
    topic = get("topic")
    if topic and topic not in topics:
        errors.append("Topic: unknown topic")
    elif topic:
        filters.topic = topic
    flag = get("flag")
    if flag and flag not in FLAGS:
        errors.append("Flag: unknown flag")
    elif flag:
        filters.flag = flag
    confidence = get("max_confidence")
    if confidence:
        try:
            value = float(confidence)
            if not 0.0 <= value <= 1.0:
                raise ValueError
            filters.max_confidence = value
        except ValueError:
            errors.append("Confidence: expected a number between 0 and 1")
    reviewed = get("reviewed")
    if reviewed in ("yes", "no"):
        filters.reviewed = reviewed
    elif reviewed:
        errors.append("Reviewed: expected yes or no")
    filters.q = get("q")[:MAX_QUERY]
    page = get("page")
    if page:
        try:
            filters.page = max(1, min(int(page), 100_000))
        except ValueError:
            errors.append("Page: expected a number")
    return filters


def day_start(day: date) -> float:
    """The first second of ``day`` (UTC) as a Unix timestamp."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()
