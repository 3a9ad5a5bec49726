"""The insights page's summaries: one sentence per chart, saying what it shows."""

from __future__ import annotations

from collections.abc import Sequence

from web.console.insights.dates import Period, halves
from web.console.insights.queries import Insights
from web.console.insights.tables import percent_of


def counted(count: int, one: str, many: str | None = None) -> str:
    """``1 conversation``, ``1,200 conversations``."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _busiest(data: Insights, values: Sequence[int]) -> tuple[Period, int] | None:
    if not values or max(values) == 0:
        return None
    index = max(range(len(values)), key=lambda i: (values[i], -i))
    return data.periods[index], values[index]


def _when(data: Insights, period: Period) -> str:
    """``on 2026-11-03``, or ``in the week starting 2026-11-02``."""
    if data.weekly:
        return f"in the week starting {period.start.isoformat()}"
    return f"on {period.start.isoformat()}"


def activity_summary(data: Insights) -> str:
    rng = data.range.describe()
    total, msgs = sum(data.conversations), sum(data.messages)
    if total == 0 and msgs == 0:
        return f"No conversations {rng}."
    text = f"{counted(total, 'conversation')} and {counted(msgs, 'parent message')} {rng}"
    busiest = _busiest(data, data.conversations)
    if busiest:
        period, count = busiest
        word = "week starting" if data.weekly else "day"
        text += f"; busiest {word} {period.start.isoformat()} with {counted(count, 'conversation')} started"
    return text + "."


def topics_summary(data: Insights) -> str:
    if not data.topics:
        return f"No questions answered from the FAQ {data.range.describe()}."
    top = data.topics[0]
    text = f"Most asked: {top.topic} ({counted(top.total, 'message')})"
    rising = max(data.topics, key=lambda t: (t.change, t.total))
    if halves(data.range) and rising.change > 0:
        text += f"; rising most: {rising.topic} (from {rising.earlier} to {rising.later} between the halves)"
    return text + "."


def urgent_summary(data: Insights) -> str:
    total = sum(data.urgent_conversations)
    rng = data.range.describe()
    if total == 0:
        return f"No conversations with an urgent report {rng}."
    text = f"{counted(total, 'conversation')} with an urgent report {rng}"
    busiest = _busiest(data, data.urgent_conversations)
    if busiest:
        text += f", most {_when(data, busiest[0])} ({busiest[1]})"
    return text + "."


def understanding_summary(data: Insights) -> str:
    total = sum(data.messages)
    if total == 0:
        return f"No parent messages {data.range.describe()}."
    nu, oos = sum(data.not_understood), sum(data.out_of_scope)
    return (
        f"Of {counted(total, 'parent message')}, {nu:,} ({percent_of(nu, total):.0f}%) were not understood "
        f"and {oos:,} ({percent_of(oos, total):.0f}%) were out of scope."
    )


def feedback_summary(data: Insights) -> str:
    up = sum(r.up for r in data.ratings)
    down = sum(r.down for r in data.ratings)
    if up + down == 0:
        return f"No thumbs ratings {data.range.describe()}."
    text = f"{counted(up + down, 'rating')}: {up:,} thumbs up, {down:,} thumbs down"
    worst = data.ratings[0]
    if worst.down:
        text += f"; most thumbs down: {worst.topic} ({worst.down})"
    return text + "."
