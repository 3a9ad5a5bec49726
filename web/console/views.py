"""Rendering: a Jinja2 environment with autoescaping, and small template helpers.

Times: the console shows every time in UTC. Lists show how long ago something happened
("5 minutes ago", "yesterday"), computed here on the server (the console sends no script),
inside a ``<time>`` element whose ``datetime`` and ``title`` give the exact time. No
localisation library is installed in the web environment (Babel is not), so `relative_time`
is a small English-only function.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from starlette.responses import HTMLResponse

from assistant.topics import topic_title
from web.console.alerts import payload
from web.console.services.messages import FLAG_LABELS

TEMPLATES = Path(__file__).resolve().parent / "templates"
MINUTE, HOUR, DAY = 60, 3600, 86400


def _when(timestamp: float | None) -> str:
    if not timestamp:
        return ""
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def exact_time(timestamp: float | None) -> str:
    """To the minute, for a title or a second line: ``2026-11-25 14:03 UTC``."""
    if not timestamp:
        return ""
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


def iso_time(timestamp: float | None) -> str:
    """A ``<time datetime>`` value: ``2026-11-25T14:03:05Z``."""
    if not timestamp:
        return ""
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 turn``, ``0 turns``, ``3 turns`` (``plural_form`` for irregular words)."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count:,} {word}"


def relative_time(timestamp: float | None, now: float | None = None) -> str:
    """How long ago, in words: "just now", "5 minutes ago", "3 hours ago", then by calendar
    day in UTC (the console's time zone): "yesterday", "3 days ago", "2 weeks ago",
    "4 months ago", "2 years ago". A time ahead of ``now`` (clock skew) reads "just now"
    within a minute, else "in 5 minutes" and so on."""
    if not timestamp:
        return ""
    now = time.time() if now is None else now
    seconds = now - timestamp
    if seconds < 0:
        ahead = -seconds
        if ahead < MINUTE:
            return "just now"
        if ahead < HOUR:
            return "in " + plural(int(ahead // MINUTE), "minute")
        if ahead < DAY:
            return "in " + plural(int(ahead // HOUR), "hour")
        return "in " + plural(int(ahead // DAY), "day")
    if seconds < MINUTE:
        return "just now"
    if seconds < HOUR:
        return plural(int(seconds // MINUTE), "minute") + " ago"
    if seconds < DAY:
        return plural(int(seconds // HOUR), "hour") + " ago"
    then = datetime.fromtimestamp(timestamp, tz=UTC).date()
    days = (datetime.fromtimestamp(now, tz=UTC).date() - then).days
    if days <= 1:
        return "yesterday"
    if days < 14:
        return plural(days, "day") + " ago"
    if days < 60:
        return plural(days // 7, "week") + " ago"
    if days < 730:
        return plural(days // 30, "month") + " ago"
    return plural(days // 365, "year") + " ago"


def time_tag(timestamp: float | None, now: float | None = None) -> Markup:
    """``<time datetime="2026-11-25T14:03:05Z" title="2026-11-25 14:03 UTC">5 minutes
    ago</time>``; empty for no time."""
    if not timestamp:
        return Markup("")
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        iso_time(timestamp), exact_time(timestamp), relative_time(timestamp, now)
    )


def _confidence(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its extension
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["exact"] = exact_time
    env.filters["iso"] = iso_time
    env.filters["ago"] = relative_time
    env.filters["plural"] = plural
    env.filters["confidence"] = _confidence
    env.filters["topic_title"] = topic_title
    env.globals["time_tag"] = time_tag
    env.globals["flag_labels"] = FLAG_LABELS
    env.globals["alert_kinds"] = payload.KIND_TEXT
    env.filters["alert_category"] = lambda name: payload.CATEGORY_TEXT.get(name, name)
    return env


_env = make_environment()


def render(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_env.get_template(name).render(**context), status_code=status_code)
