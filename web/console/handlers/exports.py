"""Downloads: the filtered conversations as CSV, and all corrections as Rasa NLU YAML."""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from web.console import audit, corrections, exports
from web.console.auth import Session
from web.console.guard import protected
from web.console.handlers.conversations import filtered


@protected()
def export_csv(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    _, found = filtered(request, conn)
    names = audit.filter_names(request.query_params)
    audit.record(conn, session.user.username, "export_csv", detail=f"{names} conversations={len(found)}")
    return Response(
        exports.conversations_csv(found),
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
