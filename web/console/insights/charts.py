"""The insights page's charts: SVG drawn on the server by pygal, for an
``<img src="data:...">`` under the console's script-free CSP.

Each chart has a wide and a narrow (phone) drawing. pygal's script, comments, tooltips
and title are removed, and a check refuses any SVG that could still load or run something.
"""

from __future__ import annotations

import base64
import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pygal
from pygal.style import Style

from web.console.insights.dates import halves
from web.console.insights.queries import TOP_TOPICS, Insights
from web.console.insights.tables import percent_of

# pygal appends to sys.meta_path a finder for its map plugins that has only the legacy
# find_module (Kozea/pygal#532): Python 3.11 warns whenever an import reaches it, and
# importers that call find_spec (pytest's importlib mode) fail. No maps here: take it out.
sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, pygal.PluginImportFixer)]

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
            [percent_of(n, t) for n, t in zip(data.not_understood, data.messages, strict=True)],
        ),
        (
            "Out of scope (%)",
            [percent_of(o, t) for o, t in zip(data.out_of_scope, data.messages, strict=True)],
        ),
    ]
    return _time_chart(data, size, series, (COLORS[1], COLORS[0]), percent=True)


def feedback_chart(data: Insights, size: Size) -> str:
    shown = list(reversed(data.ratings[:TOP_TOPICS]))
    labels = [r.topic for r in shown]
    series = [("Thumbs up", [r.up for r in shown]), ("Thumbs down", [r.down for r in shown])]
    return _bar_chart(size, labels, series, (COLORS[0], COLORS[1]))
