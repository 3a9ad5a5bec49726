"""The insights page's charts: SVG with no script and no outside URL, where a topic's
name is only text."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from tests.web.console.insights.support import RANGE, range_of, sample, svg_images
from web.console.insights import charts, dates, queries


def test_charts_have_no_script_and_no_outside_url(admin_client, rows) -> None:  # noqa: ANN001
    sample(rows)
    images = svg_images(admin_client.get("/insights", params=RANGE).text)
    assert images
    for svg in images:
        assert svg.startswith("<svg") and "<script" not in svg.lower() and "javascript:" not in svg
        assert "<!--" not in svg and "href" not in svg
        urls = set(re.findall(r"https?://[^\s\"'<>)]+", svg))
        assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls
    assert any(">=SUM(A1:A9)<" in svg for svg in images)  # a topic, drawn as text


def test_a_topic_name_is_only_text_in_a_chart() -> None:
    rng = range_of(0, 1)
    odd = 'javascript:x" src="http://e.example/<b>'  # short enough not to be cut
    data = queries.Insights(
        range=rng, periods=dates.periods(rng), conversations=[0, 0], messages=[1, 0],
        not_understood=[0, 0], out_of_scope=[0, 0], urgent_conversations=[0, 0],
        urgent_messages=[0, 0], topics=[queries.TopicCount(odd, 1, 1, 0)],
        ratings=[queries.Ratings(odd, 1, 0)],
    )  # fmt: skip
    for draw in (charts.topics_chart, charts.feedback_chart):
        svg = draw(data, charts.WIDE)
        tree = ElementTree.fromstring(svg)
        assert odd in [element.text for element in tree.iter()]
        for element in tree.iter():
            assert not {name.rsplit("}", 1)[-1] for name in element.attrib} & {"href", "src"}
            assert all("evil" not in value for value in element.attrib.values())
