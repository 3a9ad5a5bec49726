"""The insights page's SQL: grouped counts per day and per topic, thumbs per topic and a
few redacted examples, over a range of UTC days, and `load`, which gathers them into
`Insights`.

Every number comes from the summary tables (`console_messages`, `console_conversations`,
kept by `web.console.services.summary`), counted with GROUP BY in the database: a query returns at
most one row per day or per topic (a range is at most 366 days), never the messages
themselves, except the five most recent redacted examples of each kind. Days without data
are filled with zeros here, and summed per week for long ranges (`dates.per_period`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    and_,
    case,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from web.console.insights.dates import (
    SECONDS_PER_DAY,
    WEEKLY_AFTER_DAYS,
    DateRange,
    Period,
    halves,
    per_period,
    periods,
)
from web.console.tables import conversations, messages

TOP_TOPICS = 10
MAX_FEEDBACK_TOPICS = 50
EXAMPLES = 5
NO_TOPIC = "(not an FAQ answer)"


class utc_day(FunctionElement[int]):
    """The UTC day number of an epoch timestamp column (floor(ts / 86400))."""

    type = Integer()
    inherit_cache = True


@compiles(utc_day)
def _utc_day_default(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    (column,) = list(element.clauses)
    return f"CAST(FLOOR({compiler.process(column, **kw)} / {SECONDS_PER_DAY}) AS INTEGER)"


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite may be built without FLOOR; CAST truncates, the same for timestamps >= 0.
    (column,) = list(element.clauses)
    return f"CAST({compiler.process(column, **kw)} / {SECONDS_PER_DAY} AS INTEGER)"


def _in_range(rng: DateRange, kind: str) -> ColumnElement[bool]:
    """Messages of ``kind`` in the range (the (day, kind) index)."""
    return and_(messages.c.day >= rng.first, messages.c.day <= rng.last, messages.c.kind == kind)


def not_understood(low_confidence: float) -> ColumnElement[bool]:
    """A parent message the assistant did not understand (as `web.console.services.messages`):
    it fell back, or its confidence (the lower of the intent's and the response
    selector's) is below ``low_confidence``. Per message, on
    `console_messages`; `web.console.services.listing.not_understood` is the same idea per
    conversation, on `console_conversations` (any message fell back, or the lowest
    confidence is below the threshold)."""
    return or_(messages.c.fallback == true(), messages.c.confidence < low_confidence)


def _started_in(rng: DateRange) -> ColumnElement[bool]:
    return and_(
        conversations.c.started >= float(rng.first * SECONDS_PER_DAY),
        conversations.c.started < float((rng.last + 1) * SECONDS_PER_DAY),
    )


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def conversations_per_day(conn: Connection, rng: DateRange, urgent_only: bool = False) -> dict[int, int]:
    """Conversations started on each day ({day number: count}, days with none left out)."""
    day = utc_day(conversations.c.started)
    where = [_started_in(rng)]
    if urgent_only:
        where.append(conversations.c.urgent == true())
    query = select(day.label("day"), func.count().label("n")).where(*where).group_by(day)
    return {int(row.day): int(row.n) for row in conn.execute(query)}


@dataclass(frozen=True)
class DayCounts:
    messages: int = 0
    not_understood: int = 0
    out_of_scope: int = 0
    urgent: int = 0


def message_counts_per_day(conn: Connection, rng: DateRange, low_confidence: float) -> dict[int, DayCounts]:
    """Parent messages per day, and how many were not understood, out of scope, urgent."""
    query = (
        select(
            messages.c.day,
            func.count().label("n"),
            _count_if(not_understood(low_confidence)).label("not_understood"),
            _count_if(messages.c.out_of_scope == true()).label("out_of_scope"),
            _count_if(messages.c.urgent == true()).label("urgent"),
        )
        .where(_in_range(rng, "user"))
        .group_by(messages.c.day)
    )
    return {
        int(row.day): DayCounts(int(row.n), int(row.not_understood), int(row.out_of_scope), int(row.urgent))
        for row in conn.execute(query)
    }


@dataclass(frozen=True)
class TopicCount:
    topic: str
    total: int
    earlier: int  # in the first half of the range
    later: int  # in the second half

    @property
    def change(self) -> int:
        return self.later - self.earlier


def top_topics(conn: Connection, rng: DateRange, limit: int = TOP_TOPICS) -> list[TopicCount]:
    """The FAQ topics parents asked about most, with counts in each half of the range."""
    split = halves(rng)
    middle = split[1].first if split else rng.first
    n = func.count()
    query = (
        select(
            messages.c.topic,
            n.label("n"),
            _count_if(messages.c.day < middle).label("earlier"),
            _count_if(messages.c.day >= middle).label("later"),
        )
        .where(_in_range(rng, "user"), messages.c.topic.is_not(None))
        .group_by(messages.c.topic)
        .order_by(n.desc(), messages.c.topic)
        .limit(limit)
    )
    return [
        TopicCount(str(row.topic), int(row.n), int(row.earlier), int(row.later))
        for row in conn.execute(query)
    ]


@dataclass(frozen=True)
class Ratings:
    topic: str
    up: int
    down: int

    @property
    def total(self) -> int:
        return self.up + self.down


def feedback_per_topic(conn: Connection, rng: DateRange, limit: int = MAX_FEEDBACK_TOPICS) -> list[Ratings]:
    """Thumbs up and down per FAQ topic rated, most thumbs down first."""
    down = _count_if(messages.c.feedback == "down")
    up = _count_if(messages.c.feedback == "up")
    query = (
        select(messages.c.topic, up.label("up"), down.label("down"))
        .where(_in_range(rng, "feedback"), messages.c.feedback.in_(("up", "down")))
        .group_by(messages.c.topic)
        .order_by(down.desc(), func.count().desc(), messages.c.topic)
        .limit(limit)
    )
    return [Ratings(str(row.topic or NO_TOPIC), int(row.up), int(row.down)) for row in conn.execute(query)]


@dataclass(frozen=True)
class Example:
    sender_id: str
    timestamp: float
    text: str  # redacted

    @property
    def when(self) -> str:
        return datetime.fromtimestamp(self.timestamp, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


def examples(
    conn: Connection, rng: DateRange, condition: ColumnElement[bool], limit: int = EXAMPLES
) -> list[Example]:
    """The most recent parent messages in the range that meet ``condition`` (redacted)."""
    query = (
        select(messages.c.sender_id, messages.c.timestamp, messages.c.text_redacted)
        .where(_in_range(rng, "user"), condition)
        .order_by(messages.c.timestamp.desc(), messages.c.event_id.desc())
        .limit(limit)
    )
    return [
        Example(str(r.sender_id), float(r.timestamp), str(r.text_redacted or "")) for r in conn.execute(query)
    ]


@dataclass
class Insights:
    """Everything the page shows, for one range (see `load`)."""

    range: DateRange
    periods: list[Period]
    conversations: list[int]  # per period
    messages: list[int]
    not_understood: list[int]
    out_of_scope: list[int]
    urgent_conversations: list[int]
    urgent_messages: list[int]
    topics: list[TopicCount]
    ratings: list[Ratings]
    not_understood_examples: list[Example] = field(default_factory=list)
    out_of_scope_examples: list[Example] = field(default_factory=list)

    @property
    def weekly(self) -> bool:
        return self.range.days > WEEKLY_AFTER_DAYS


def _counts(rng: DateRange, by_day: Mapping[int, DayCounts], name: str) -> list[int]:
    return per_period(rng, {day: getattr(c, name) for day, c in by_day.items()})


def load(conn: Connection, rng: DateRange, low_confidence: float, with_examples: bool = True) -> Insights:
    """All the page's numbers for ``rng`` (about seven small grouped queries)."""
    per_day = message_counts_per_day(conn, rng, low_confidence)
    found = Insights(
        range=rng,
        periods=periods(rng),
        conversations=per_period(rng, conversations_per_day(conn, rng)),
        messages=_counts(rng, per_day, "messages"),
        not_understood=_counts(rng, per_day, "not_understood"),
        out_of_scope=_counts(rng, per_day, "out_of_scope"),
        urgent_conversations=per_period(rng, conversations_per_day(conn, rng, urgent_only=True)),
        urgent_messages=_counts(rng, per_day, "urgent"),
        topics=top_topics(conn, rng),
        ratings=feedback_per_topic(conn, rng),
    )
    if with_examples:
        found.not_understood_examples = examples(conn, rng, not_understood(low_confidence))
        found.out_of_scope_examples = examples(conn, rng, messages.c.out_of_scope == true())
    return found
