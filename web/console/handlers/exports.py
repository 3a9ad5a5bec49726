"""Downloads: the filtered conversations as CSV, and all corrections as Rasa NLU YAML."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, Engine
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from web.console.guard import config_of, engine_of, protected
from web.console.handlers.conversations import query_filters
from web.console.services import audit, corrections, exports, listing
from web.console.services.auth import Session
from web.console.services.conversations import export_batches
from web.console.services.filters import Filters

CHUNK = 200  # conversations per query of the list


def stream_csv(engine: Engine, filters: Filters, low_confidence: float) -> Iterator[str]:
    """The CSV of every conversation passing ``filters``: the list's order a chunk of
    conversations at a time, their events a bounded batch at a time, each read in its own
    short transaction (`export_batches`), so memory stays flat however many and however long
    the conversations are. Parent messages the summary has read are not redacted again."""
    yield exports.conversations_csv([])
    after: listing.Key | None = None
    while True:
        with engine.connect() as conn:
            keys = listing.next_senders(conn, filters, low_confidence, after, CHUNK)
        if not keys:
            return
        for batch in export_batches(engine, [sender for _, sender in keys], low_confidence):
            yield exports.conversations_csv(batch, header=False)
        after = keys[-1]


@protected()
def export_csv(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    filters = query_filters(request)
    low = config_of(request).low_confidence
    total = listing.count(conn, filters, low)
    names = audit.filter_names(request.query_params)
    audit.record(conn, session.user.username, "export_csv", detail=f"{names} conversations={total}")
    return StreamingResponse(
        stream_csv(engine_of(request), filters, low),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="conversations.csv"'},
    )


@protected()
def export_corrections(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    found = corrections.all_corrections(conn)
    audit.record(conn, session.user.username, "export_nlu", detail=f"corrections={len(found)}")
    return Response(
        exports.nlu_yaml(found),
        media_type="application/x-yaml; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="console_corrections.yml"'},
    )
