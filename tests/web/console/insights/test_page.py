"""The insights page and its CSV downloads, for both roles: sections, escaping, bad
input, the audit log and signing in."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from tests.web.console.insights.support import RANGE, sample, svg_images
from web.console.insights.tables import CHARTS
from web.console.tables import audit_log


@pytest.mark.parametrize("role", ["admin", "reviewer"])
def test_page_for_both_roles_with_charts_tables_and_audit(role, request, rows, engine) -> None:  # noqa: ANN001
    client: TestClient = request.getfixturevalue(f"{role}_client")
    sample(rows)
    page = client.get("/insights", params=RANGE)
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "img-src 'self' data:" in csp and "script-src" not in csp and "default-src 'none'" in csp
    text = page.text
    for name in CHARTS:
        assert f'id="{name}"' in text
        assert f"/insights.csv?chart={name}&amp;date_from=2026-11-02&amp;date_to=2026-11-08" in text
    assert "2 conversations and 4 parent messages from 2026-11-02 to 2026-11-08" in text
    assert "/conversations?date_from=2026-11-03&amp;date_to=2026-11-03&amp;flag=urgent" in text
    assert "<details>" in text and '<th scope="row">2026-11-04</th>' in text
    assert "is it going to rain" in text
    images = svg_images(text)
    assert len(images) == 2 * len(CHARTS)  # wide and narrow
    assert all(' alt="' in tag for tag in re.findall(r"<img [^>]+>", text))
    with engine.begin() as conn:
        audited = conn.execute(select(audit_log.c.action, audit_log.c.detail)).all()
    assert ("view_insights", "date_from=2026-11-02&date_to=2026-11-08") in audited


def test_typed_text_is_escaped_in_the_page(admin_client, rows) -> None:  # noqa: ANN001
    sample(rows)
    text = admin_client.get("/insights", params=RANGE).text
    assert "<script>alert" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;" in text
    assert "<script" not in text.lower()


def test_empty_range_draws_what_it_can_and_says_so(admin_client) -> None:  # noqa: ANN001
    page = admin_client.get("/insights", params=RANGE)
    assert page.status_code == 200
    assert "No conversations from 2026-11-02 to 2026-11-08." in page.text
    assert "No questions answered from the FAQ" in page.text and "No thumbs ratings" in page.text
    assert "None in this range." in page.text
    # Topics and ratings have nothing to draw; the three charts over time show zeros.
    assert len(svg_images(page.text)) == 2 * 3


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "not-a-date"}, "From: expected a date like 2026-11-03."),
        ({"date_from": "2020-01-01", "date_to": "2026-11-01"}, "the longest is 366 days"),
        ({"date_from": "2026-11-10", "date_to": "2026-11-01"}, "From is after To."),
    ],
)
def test_bad_dates_on_the_page_show_an_error_and_the_default(reviewer_client, params, message) -> None:  # noqa: ANN001
    page = reviewer_client.get("/insights", params=params)
    assert page.status_code == 200
    assert 'role="alert"' in page.text and message in page.text
    assert "Showing the last 30 days instead." in page.text
    assert "(30 days)" in page.text


def _csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.text)))


def test_csv_per_chart_with_headers_and_formula_safe_cells(admin_client, rows, engine) -> None:  # noqa: ANN001
    sample(rows)
    activity = admin_client.get("/insights.csv", params={"chart": "activity", **RANGE})
    assert activity.status_code == 200
    assert activity.headers["content-type"] == "text/csv; charset=utf-8"
    assert activity.headers["content-disposition"] == (
        'attachment; filename="insights-activity-2026-11-02-2026-11-08.csv"'
    )
    assert activity.text.startswith('"Day","Conversations started","Parent messages"\r\n')
    table = _csv(activity)
    assert len(table) == 8 and table[1] == ["2026-11-02", "0", "0"] and table[2] == ["2026-11-03", "2", "2"]
    topics = _csv(admin_client.get("/insights.csv", params={"chart": "topics", **RANGE}))
    assert ["'=SUM(A1:A9)", "1", "1", "0", "down 1"] in topics
    feedback = _csv(admin_client.get("/insights.csv", params={"chart": "feedback", **RANGE}))
    assert feedback == [["Topic rated", "Thumbs up", "Thumbs down"], ["what_is_crs", "0", "1"]]
    understanding = _csv(admin_client.get("/insights.csv", params={"chart": "understanding", **RANGE}))
    assert understanding[3] == ["2026-11-04", "2", "1", "50.0", "1", "50.0"]
    assert "rain" not in str(understanding)  # counts only, no typed text
    urgent = _csv(admin_client.get("/insights.csv", params={"chart": "urgent", **RANGE}))
    assert urgent[2] == ["2026-11-03", "1", "0"]
    with engine.begin() as conn:
        details = conn.execute(
            select(audit_log.c.detail).where(audit_log.c.action == "export_insights")
        ).scalars()
        assert "chart=activity&date_from=2026-11-02&date_to=2026-11-08" in list(details)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"chart": "nope"}, "Unknown chart"),
        ({}, "Unknown chart"),
        ({"chart": "activity", "date_from": "2026-02-30"}, "From: expected a date"),
        (
            {"chart": "activity", "date_from": "2024-01-01", "date_to": "2026-01-01"},
            "the longest is 366 days",
        ),
    ],
)
def test_csv_refuses_bad_input(reviewer_client, params, message) -> None:  # noqa: ANN001
    response = reviewer_client.get("/insights.csv", params=params)
    assert response.status_code == 400 and message in response.text
    assert response.headers["content-type"].startswith("text/plain")


def test_insights_need_a_session(app) -> None:  # noqa: ANN001
    client = TestClient(app)
    for path in ("/insights", "/insights.csv?chart=activity"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].endswith("/login")
