"""Insights: charts of what parents asked and how well it went, for reviewers and admins,
and each chart's data as CSV."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from web.console.guard import base, config_of, page, protected
from web.console.insights import charts, dates, queries, tables
from web.console.insights.page import sections
from web.console.services import audit
from web.console.services.auth import Session


@protected()
def insights_page(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    today = datetime.now(tz=UTC).date()
    rng, errors = dates.parse_range(request.query_params, today)
    data = queries.load(conn, rng, config_of(request).low_confidence)
    audit.record(conn, session.user.username, "view_insights", detail=rng.query())
    return page(
        request, session, "insights.html", range=rng, errors=errors, data=data,
        sections=sections(data, base(request)), presets=dates.presets(today),
        max_days=dates.MAX_DAYS, wide=charts.WIDE, narrow=charts.NARROW, quote=quote,
    )  # fmt: skip


@protected()
def insights_csv(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    chart = request.query_params.get("chart", "")
    if chart not in tables.CHARTS:
        return PlainTextResponse(f"Unknown chart; expected one of: {', '.join(tables.CHARTS)}.", 400)
    rng, errors = dates.parse_range(request.query_params)
    if errors:
        # A download is not shown next to the error: refuse rather than send other dates.
        return PlainTextResponse(" ".join(errors), 400)
    data = queries.load(conn, rng, config_of(request).low_confidence, with_examples=False)
    table = tables.TABLES[chart](data)
    audit.record(conn, session.user.username, "export_insights", detail=rng.query(chart=chart))
    filename = f"insights-{chart}-{rng.start.isoformat()}-{rng.end.isoformat()}.csv"
    return StreamingResponse(
        tables.csv_lines(table),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
