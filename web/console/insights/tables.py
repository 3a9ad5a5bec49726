"""The insights page's data tables: one per chart, shown under it and downloaded as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from web.console.insights.dates import halves, period_word
from web.console.insights.queries import Insights
from web.console.services.exports import csv_cell

# The charts, in the page's order; each has a table (`TABLES`) and a CSV download.
CHARTS = ("activity", "topics", "urgent", "understanding", "feedback")


@dataclass
class Table:
    """A chart's numbers: a header row, then a row per day, week or topic."""

    columns: tuple[str, ...]
    rows: list[tuple[str | int, ...]]


def percent_of(part: int, whole: int) -> float:
    """``part`` as a percentage of ``whole`` (0 when ``whole`` is 0)."""
    return 100.0 * part / whole if whole else 0.0


def _pct(value: float) -> str:
    return f"{value:.1f}"


def activity_table(data: Insights) -> Table:
    word = period_word(data.range).capitalize()
    rows: list[tuple[str | int, ...]] = [
        (p.label, c, m) for p, c, m in zip(data.periods, data.conversations, data.messages, strict=True)
    ]
    return Table((word, "Conversations started", "Parent messages"), rows)


def _change(change: int) -> str:
    """In words, so a spreadsheet does not read ``-3`` as a formula (see `csv_cell`)."""
    return f"up {change}" if change > 0 else f"down {-change}" if change < 0 else "same"


def topics_table(data: Insights) -> Table:
    split = halves(data.range)
    if split is None:
        return Table(("Topic", "Parent messages"), [(t.topic, t.total) for t in data.topics])
    first, second = split
    columns = (
        "Topic",
        "Parent messages",
        f"Earlier half ({first.start.isoformat()} to {first.end.isoformat()})",
        f"Later half ({second.start.isoformat()} to {second.end.isoformat()})",
        "Change",
    )
    rows: list[tuple[str | int, ...]] = [
        (t.topic, t.total, t.earlier, t.later, _change(t.change)) for t in data.topics
    ]
    return Table(columns, rows)


def urgent_table(data: Insights) -> Table:
    word = period_word(data.range).capitalize()
    rows: list[tuple[str | int, ...]] = [
        (p.label, conversations, messages)
        for p, conversations, messages in zip(
            data.periods, data.urgent_conversations, data.urgent_messages, strict=True
        )
    ]
    columns = (word, "Conversations with an urgent report (by day started)", "Urgent parent messages")
    return Table(columns, rows)


def understanding_table(data: Insights) -> Table:
    word = period_word(data.range).capitalize()
    rows: list[tuple[str | int, ...]] = []
    for p, total, nu, oos in zip(
        data.periods, data.messages, data.not_understood, data.out_of_scope, strict=True
    ):
        rows.append((p.label, total, nu, _pct(percent_of(nu, total)), oos, _pct(percent_of(oos, total))))
    columns = (
        word,
        "Parent messages",
        "Not understood",
        "Not understood (%)",
        "Out of scope",
        "Out of scope (%)",
    )
    return Table(columns, rows)


def feedback_table(data: Insights) -> Table:
    rows: list[tuple[str | int, ...]] = [(r.topic, r.up, r.down) for r in data.ratings]
    return Table(("Topic rated", "Thumbs up", "Thumbs down"), rows)


TABLES: dict[str, Callable[[Insights], Table]] = {
    "activity": activity_table,
    "topics": topics_table,
    "urgent": urgent_table,
    "understanding": understanding_table,
    "feedback": feedback_table,
}


def csv_lines(table: Table) -> Iterator[str]:
    """The table as CSV, a line at a time; every cell quoted and formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    for row in [table.columns, *table.rows]:
        writer.writerow([csv_cell(value) for value in row])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
