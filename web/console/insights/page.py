"""The insights page's sections: for each chart its heading, summary sentence, wide and
narrow drawing, data table, CSV link and (for urgent reports) links to the conversations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from web.console.insights.charts import (
    NARROW,
    WIDE,
    Size,
    activity_chart,
    data_uri,
    feedback_chart,
    topics_chart,
    understanding_chart,
    urgent_chart,
)
from web.console.insights.dates import period_word
from web.console.insights.queries import TOP_TOPICS, Insights
from web.console.insights.summaries import (
    activity_summary,
    counted,
    feedback_summary,
    topics_summary,
    understanding_summary,
    urgent_summary,
)
from web.console.insights.tables import TABLES, Table


def urgent_links(data: Insights, base: str) -> list[tuple[str, str]]:
    """(text, URL) per day or week with urgent conversations: the conversation list
    filtered to those days and the urgent flag."""
    found = []
    for period, count in zip(data.periods, data.urgent_conversations, strict=True):
        if count:
            query = urlencode(
                {"date_from": period.start.isoformat(), "date_to": period.end.isoformat(), "flag": "urgent"}
            )
            text = f"{period.label}: {counted(count, 'conversation')}"
            found.append((text, f"{base}/conversations?{query}"))
    return found


@dataclass
class Section:
    """One chart on the page: heading, summary, images, table and CSV link."""

    name: str
    title: str
    summary: str
    alt: str
    table: Table
    wide: str = ""  # data: URIs; empty when there is nothing to draw
    narrow: str = ""
    csv_url: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, URL)


def sections(data: Insights, base: str) -> list[Section]:
    """The page's charts, drawn (about ten SVGs, wide and narrow)."""
    per = f"per {period_word(data.range)}"
    rng = data.range.describe()
    specs: list[tuple[str, str, str, Callable[[Insights], str], Callable[[Insights, Size], str], bool]] = [
        ("activity", "Conversations and parent messages",
         f"Line chart of conversations started and parent messages {per}, {rng}.",
         activity_summary, activity_chart, True),
        ("topics", "Top topics",
         f"Bar chart of the {TOP_TOPICS} most asked FAQ topics: earlier half of the range, then later half.",
         topics_summary, topics_chart, bool(data.topics)),
        ("urgent", "Urgent reports",
         f"Bar chart of conversations with an urgent report {per}, {rng}.",
         urgent_summary, urgent_chart, True),
        ("understanding", "Not understood and out of scope",
         f"Line chart of the share of parent messages not understood and out of scope {per}, {rng}.",
         understanding_summary, understanding_chart, True),
        ("feedback", "Thumbs up and down per topic",
         "Bar chart of thumbs up and thumbs down for the most rated topics, most thumbs down first.",
         feedback_summary, feedback_chart, bool(data.ratings)),
    ]  # fmt: skip
    found = []
    for name, title, alt, summary, draw, drawn in specs:
        section = Section(
            name, title, summary(data), alt + " The data is in the table below.", TABLES[name](data)
        )
        if name == "urgent":
            section.links = urgent_links(data, base)
        section.csv_url = f"{base}/insights.csv?" + data.range.query(chart=name)
        if drawn:
            section.wide = data_uri(draw(data, WIDE))
            section.narrow = data_uri(draw(data, NARROW))
        found.append(section)
    return found
