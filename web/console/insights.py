"""The insights page's numbers and charts: what parents asked, when, and how well the
assistant understood them, over a range of UTC days.

Every number comes from the summary tables (`console_messages`, `console_conversations`,
kept by `web.console.summary`), counted with GROUP BY in the database: a query returns at
most one row per day or per topic (a range is at most 366 days), never the messages
themselves, except the five most recent redacted examples of each kind. Days without data
are filled with zeros here. Ranges longer than nine weeks are shown per week.

Charts are SVG drawn on the server by pygal, with its script and comments removed, for an
``<img src="data:...">`` under the console's script-free CSP; each has a wide and a narrow
(phone) drawing, a one-sentence summary and a data table that is also its CSV download.
"""

from __future__ import annotations

import base64
import csv
import io
import math
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pygal
from pygal.style import Style
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

from web.console.exports import csv_cell
from web.console.tables import conversations, messages

# pygal appends to sys.meta_path a finder for its map plugins that has only the legacy
# find_module (Kozea/pygal#532): Python 3.11 warns whenever an import reaches it, and
# importers that call find_spec (pytest's importlib mode) fail. No maps here: take it out.
sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, pygal.PluginImportFixer)]

EPOCH = date(1970, 1, 1)
SECONDS_PER_DAY = 86_400
DEFAULT_DAYS = 30
MAX_DAYS = 366
FIRST_DATE, LAST_DATE = EPOCH, date(2100, 12, 31)  # day numbers stay >= 0
WEEKLY_AFTER_DAYS = 63  # longer ranges are charted per week
TOP_TOPICS = 10
MAX_FEEDBACK_TOPICS = 50
EXAMPLES = 5
CHARTS = ("activity", "topics", "urgent", "understanding", "feedback")
NO_TOPIC = "(not an FAQ answer)"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# -- the date range --------------------------------------------------------------------


def day_number(day: date) -> int:
    """UTC days since 1970-01-01 (the ``day`` column of `console_messages`)."""
    return (day - EPOCH).days


def from_day_number(number: int) -> date:
    return EPOCH + timedelta(days=number)


@dataclass(frozen=True)
class DateRange:
    """Whole UTC days, both ends included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def first(self) -> int:
        return day_number(self.start)

    @property
    def last(self) -> int:
        return day_number(self.end)

    def query(self, **extra: str) -> str:
        """``date_from=...&date_to=...`` (and ``extra``), for links."""
        return urlencode({**extra, "date_from": self.start.isoformat(), "date_to": self.end.isoformat()})

    def describe(self) -> str:
        return f"from {self.start.isoformat()} to {self.end.isoformat()}"


def default_range(today: date | None = None) -> DateRange:
    """The last 30 days, today included."""
    end = today or datetime.now(tz=UTC).date()
    return DateRange(end - timedelta(days=DEFAULT_DAYS - 1), end)


def _parse_date(raw: str, label: str, errors: list[str]) -> date | None:
    if not raw:
        return None
    try:
        if not _ISO_DATE.fullmatch(raw):
            raise ValueError
        day = date.fromisoformat(raw)
    except ValueError:
        errors.append(f"{label}: expected a date like 2026-11-03.")
        return None
    if not FIRST_DATE <= day <= LAST_DATE:
        errors.append(f"{label}: expected a date between {FIRST_DATE} and {LAST_DATE}.")
        return None
    return day


def parse_range(params: Mapping[str, str], today: date | None = None) -> tuple[DateRange, list[str]]:
    """The range asked for in ``date_from`` / ``date_to``, and what was wrong with it.

    One end alone is completed: From alone runs to today (or 30 days when that would be
    too long), To alone starts 29 days earlier. On any error the range is the default
    (the last 30 days, which the page says) and the errors say why.
    """
    errors: list[str] = []
    fallback = default_range(today)
    start = _parse_date(str(params.get("date_from", "") or "").strip()[:40], "From", errors)
    end = _parse_date(str(params.get("date_to", "") or "").strip()[:40], "To", errors)
    if errors:
        return fallback, errors
    if start is not None and end is None:
        end = max(start, fallback.end)
        if (end - start).days + 1 > MAX_DAYS:
            end = start + timedelta(days=DEFAULT_DAYS - 1)
    elif start is None and end is not None:
        start = max(FIRST_DATE, end - timedelta(days=DEFAULT_DAYS - 1))
    if start is None or end is None:
        return fallback, []
    if start > end:
        return fallback, ["From is after To."]
    if (end - start).days + 1 > MAX_DAYS:
        return fallback, [f"That range is {(end - start).days + 1} days; the longest is {MAX_DAYS} days."]
    return DateRange(start, end), []


def presets(today: date | None = None) -> list[tuple[str, DateRange]]:
    """Quick choices for the range form."""
    end = today or datetime.now(tz=UTC).date()
    return [(f"Last {n} days", DateRange(end - timedelta(days=n - 1), end)) for n in (7, 30, 90, 365)]


@dataclass(frozen=True)
class Period:
    """One point of a chart: a day, or (for long ranges) seven days."""

    start: date
    end: date

    @property
    def label(self) -> str:
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()} to {self.end.isoformat()}"

    def short(self, with_year: bool) -> str:
        text = f"{self.start.day} {self.start:%b}"
        return f"{text} {self.start:%y}" if with_year else text


def periods(rng: DateRange) -> list[Period]:
    """Days, or weeks from the first day when the range is longer than nine weeks (the
    last week may be shorter)."""
    step = 7 if rng.days > WEEKLY_AFTER_DAYS else 1
    found = []
    start = rng.start
    while start <= rng.end:
        end = min(start + timedelta(days=step - 1), rng.end)
        found.append(Period(start, end))
        start = end + timedelta(days=1)
    return found


def period_word(rng: DateRange) -> str:
    return "week" if rng.days > WEEKLY_AFTER_DAYS else "day"


def _per_period(rng: DateRange, by_day: Mapping[int, int]) -> list[int]:
    """Day counts summed into `periods` (zeros where nothing happened)."""
    step = 7 if rng.days > WEEKLY_AFTER_DAYS else 1
    totals = [0] * len(periods(rng))
    for day, count in by_day.items():
        if rng.first <= day <= rng.last:
            totals[(day - rng.first) // step] += int(count)
    return totals


# -- queries (GROUP BY in the database, bounded by the range) ----------------------------


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
    """A parent message the assistant did not understand (as `web.console.messages`)."""
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


def halves(rng: DateRange) -> tuple[DateRange, DateRange] | None:
    """The range's first and second half (the second has the extra day), or None for one day."""
    if rng.days < 2:
        return None
    middle = rng.start + timedelta(days=rng.days // 2)
    return DateRange(rng.start, middle - timedelta(days=1)), DateRange(middle, rng.end)


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


# -- tables: one per chart, shown on the page and downloaded as CSV ---------------------


@dataclass
class Table:
    columns: tuple[str, ...]
    rows: list[tuple[str | int, ...]]


def _percent(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


def _pct(value: float) -> str:
    return f"{value:.1f}"


def urgent_links(data: Insights, base: str) -> list[tuple[str, str]]:
    """(text, URL) per day or week with urgent conversations: the conversation list
    filtered to those days and the urgent flag."""
    found = []
    for period, count in zip(data.periods, data.urgent_conversations, strict=True):
        if count:
            query = urlencode(
                {"date_from": period.start.isoformat(), "date_to": period.end.isoformat(), "flag": "urgent"}
            )
            text = f"{period.label}: {_n(count, 'conversation')}"
            found.append((text, f"{base}/conversations?{query}"))
    return found


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
    return _per_period(rng, {day: getattr(c, name) for day, c in by_day.items()})


def load(conn: Connection, rng: DateRange, low_confidence: float, with_examples: bool = True) -> Insights:
    """All the page's numbers for ``rng`` (about seven small grouped queries)."""
    per_day = message_counts_per_day(conn, rng, low_confidence)
    found = Insights(
        range=rng,
        periods=periods(rng),
        conversations=_per_period(rng, conversations_per_day(conn, rng)),
        messages=_counts(rng, per_day, "messages"),
        not_understood=_counts(rng, per_day, "not_understood"),
        out_of_scope=_counts(rng, per_day, "out_of_scope"),
        urgent_conversations=_per_period(rng, conversations_per_day(conn, rng, urgent_only=True)),
        urgent_messages=_counts(rng, per_day, "urgent"),
        topics=top_topics(conn, rng),
        ratings=feedback_per_topic(conn, rng),
    )
    if with_examples:
        found.not_understood_examples = examples(conn, rng, not_understood(low_confidence))
        found.out_of_scope_examples = examples(conn, rng, messages.c.out_of_scope == true())
    return found


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
        rows.append((p.label, total, nu, _pct(_percent(nu, total)), oos, _pct(_percent(oos, total))))
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


# -- summaries: one sentence per chart ----------------------------------------------------


def _n(count: int, one: str, many: str | None = None) -> str:
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
    text = f"{_n(total, 'conversation')} and {_n(msgs, 'parent message')} {rng}"
    busiest = _busiest(data, data.conversations)
    if busiest:
        period, count = busiest
        word = "week starting" if data.weekly else "day"
        text += f"; busiest {word} {period.start.isoformat()} with {_n(count, 'conversation')} started"
    return text + "."


def topics_summary(data: Insights) -> str:
    if not data.topics:
        return f"No questions answered from the FAQ {data.range.describe()}."
    top = data.topics[0]
    text = f"Most asked: {top.topic} ({_n(top.total, 'message')})"
    rising = max(data.topics, key=lambda t: (t.change, t.total))
    if halves(data.range) and rising.change > 0:
        text += f"; rising most: {rising.topic} (from {rising.earlier} to {rising.later} between the halves)"
    return text + "."


def urgent_summary(data: Insights) -> str:
    total = sum(data.urgent_conversations)
    rng = data.range.describe()
    if total == 0:
        return f"No conversations with an urgent report {rng}."
    text = f"{_n(total, 'conversation')} with an urgent report {rng}"
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
        f"Of {_n(total, 'parent message')}, {nu:,} ({_percent(nu, total):.0f}%) were not understood "
        f"and {oos:,} ({_percent(oos, total):.0f}%) were out of scope."
    )


def feedback_summary(data: Insights) -> str:
    up = sum(r.up for r in data.ratings)
    down = sum(r.down for r in data.ratings)
    if up + down == 0:
        return f"No thumbs ratings {data.range.describe()}."
    text = f"{_n(up + down, 'rating')}: {up:,} thumbs up, {down:,} thumbs down"
    worst = data.ratings[0]
    if worst.down:
        text += f"; most thumbs down: {worst.topic} ({worst.down})"
    return text + "."


# -- charts (pygal, no script, no outside URL) --------------------------------------------

COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")  # Okabe-Ito, colour-blind safe
# In a chart's CSS or attributes, what could make an image fetch or run something.
_ACTIVE = re.compile(r"url\(|@import|javascript:|https?:", re.I)


@dataclass(frozen=True)
class Size:
    width: int
    height: int
    font: int  # labels and legend, in SVG pixels
    labels: int  # at most this many labels on the time axis
    truncate: int  # topic names longer than this are cut (the table has them whole)


WIDE = Size(960, 400, 14, 16, 40)
NARROW = Size(420, 420, 15, 5, 20)


def _style(size: Size, colors: Sequence[str]) -> Style:
    return Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#1a1a1a",
        foreground_strong="#1a1a1a",
        foreground_subtle="#595959",
        guide_stroke_color="#bdbdbd",
        major_guide_stroke_color="#8a8a8a",
        opacity="1",
        opacity_hover="1",
        stroke_width="3",
        font_family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
        label_font_size=size.font,
        major_label_font_size=size.font,
        legend_font_size=size.font,
        value_font_size=size.font - 2,
        value_label_font_size=size.font - 2,
        tooltip_font_size=size.font,
        title_font_size=size.font + 2,
        no_data_font_size=size.font + 4,
        colors=tuple(colors),
    )


def _ticks(maximum: float, percent: bool = False) -> list[float]:
    """Round axis steps from 0 to at least ``maximum`` (whole numbers for counts)."""
    top = max(maximum, 5.0 if percent else 1.0)
    raw = top / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if not percent:
        step = max(1, math.ceil(step))
    count = math.ceil(top / step - 1e-9)
    return [round(step * i, 6) for i in range(count + 1)]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _strip(tree: Any) -> Any:
    """pygal's XML filter: no <script> (its config script), no comments (its URLs), no
    <desc> (what its tooltip script reads; an image shows no tooltips), no "Pygal" title.
    Then a check that nothing left could load or run anything (text, such as a topic
    name, is only text)."""
    for parent in list(tree.iter()):
        for child in list(parent):
            if not isinstance(child.tag, str) or _local(child.tag) in ("script", "desc"):
                parent.remove(child)
    for title in [child for child in tree if _local(child.tag) == "title"]:
        tree.remove(title)  # "Pygal": the page's alt text and heading say what the chart is
    for element in tree.iter():
        values = [v for k, v in element.attrib.items() if not k.startswith("xmlns")]  # namespace names
        if _local(element.tag) == "style":
            values.append(element.text or "")
        if {_local(k) for k in element.attrib} & {"href", "src"} or any(_ACTIVE.search(v) for v in values):
            raise RuntimeError(f"a chart's SVG would load or run something: <{_local(element.tag)}>")
    return tree


def _chart(kind: type[Any], size: Size, colors: Sequence[str], **options: Any) -> Any:
    """A pygal chart of ``kind`` with the console's look, no script and no comments; a
    legend only for more than one colour."""
    chart = kind(
        width=size.width,
        height=size.height,
        style=_style(size, colors),
        js=[],  # no script: pygal's tooltips script would load from its site
        explicit_size=True,
        disable_xml_declaration=True,
        no_prefix=True,  # one chart per image: its CSS needs no per-chart prefix
        show_legend=len(colors) > 1,
        legend_at_bottom=True,
        legend_at_bottom_columns=1 if size is NARROW else 2,
        truncate_legend=-1,
        include_x_axis=True,
        print_zeroes=False,
        margin=12,
        no_data_text="No data",
        **options,
    )
    chart.add_xml_filter(_strip)
    return chart


def _svg(chart: Any) -> str:
    svg = str(chart.render(is_unicode=True))
    if "<script" in svg:  # `_strip` removed it; text cannot hold "<" unescaped
        raise RuntimeError("a chart's SVG has a script")
    return svg


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _time_chart(
    data: Insights,
    size: Size,
    series: Sequence[tuple[str, Sequence[float]]],
    colors: Sequence[str],
    percent: bool = False,
    bars: bool = False,
) -> str:
    with_year = data.range.start.year != data.range.end.year
    every = max(1, math.ceil(len(data.periods) / size.labels))
    ticks = _ticks(max((v for _, values in series for v in values), default=0), percent)
    chart = _chart(
        pygal.Bar if bars else pygal.Line,
        size,
        colors,
        x_labels=[p.short(with_year) for p in data.periods],
        x_labels_major_every=every,
        show_minor_x_labels=False,
        truncate_label=-1,
        y_labels=ticks,
        range=(0, ticks[-1]),
        show_dots=len(data.periods) <= 62,
        dots_size=3,
        value_formatter=(lambda v: f"{v:.0f}%") if percent else (lambda v: f"{v:,.0f}"),
        show_x_guides=False,
    )
    for title, values in series:
        chart.add(title, list(values))
    return _svg(chart)


def _shorten(label: str, most: int) -> str:
    return label if len(label) <= most else label[: most - 1] + "\u2026"


def _bar_chart(
    size: Size,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    colors: Sequence[str],
) -> str:
    ticks = _ticks(max((v for _, values in series for v in values), default=0))
    chart = _chart(
        pygal.HorizontalBar,
        size,
        colors,
        x_labels=[_shorten(label, size.truncate) for label in labels],
        truncate_label=-1,
        y_labels=ticks,
        range=(0, ticks[-1]),
        print_values=True,
        print_values_position="top",
        value_formatter=lambda v: f"{v:,.0f}",
        show_y_guides=False,
    )
    for title, values in series:
        chart.add(title, list(values))
    return _svg(chart)


def activity_chart(data: Insights, size: Size) -> str:
    series = [("Conversations started", data.conversations), ("Parent messages", data.messages)]
    return _time_chart(data, size, series, COLORS[:2])


def topics_chart(data: Insights, size: Size) -> str:
    # Most asked at the top: pygal draws the first label at the bottom.
    shown = list(reversed(data.topics))
    labels = [t.topic for t in shown]
    if halves(data.range) is None:
        return _bar_chart(size, labels, [("Parent messages", [t.total for t in shown])], COLORS[:1])
    series = [("Earlier half", [t.earlier for t in shown]), ("Later half", [t.later for t in shown])]
    return _bar_chart(size, labels, series, ("#8fbfe0", COLORS[0]))


def urgent_chart(data: Insights, size: Size) -> str:
    series = [("Conversations with an urgent report", data.urgent_conversations)]
    return _time_chart(data, size, series, ("#b00020",), bars=True)


def understanding_chart(data: Insights, size: Size) -> str:
    series = [
        (
            "Not understood (%)",
            [_percent(n, t) for n, t in zip(data.not_understood, data.messages, strict=True)],
        ),
        ("Out of scope (%)", [_percent(o, t) for o, t in zip(data.out_of_scope, data.messages, strict=True)]),
    ]
    return _time_chart(data, size, series, (COLORS[1], COLORS[0]), percent=True)


def feedback_chart(data: Insights, size: Size) -> str:
    shown = list(reversed(data.ratings[:TOP_TOPICS]))
    labels = [r.topic for r in shown]
    series = [("Thumbs up", [r.up for r in shown]), ("Thumbs down", [r.down for r in shown])]
    return _bar_chart(size, labels, series, (COLORS[0], COLORS[1]))


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
