"""Reveal: an admin sees one parent message unredacted; every reveal is audited."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import Connection, select
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from web.console.guard import page, protected
from web.console.handlers.conversations import event_id
from web.console.services import audit
from web.console.services.auth import Session
from web.console.services.messages import parse_user
from web.console.tables import events


@protected(admin=True)
def reveal(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    event = event_id(form)
    row = None
    if event is not None:
        query = select(events).where(events.c.id == event, events.c.type_name == "user")
        row = conn.execute(query).first()
    if row is None:
        return PlainTextResponse("No such message.", 404)
    message = parse_user(dict(row._mapping), low_confidence=0.0)
    audit.record(conn, session.user.username, "reveal", f"event:{event}", row.sender_id)
    return page(request, session, "reveal.html", message=message, quote=quote)
