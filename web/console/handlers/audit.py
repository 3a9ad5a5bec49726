"""The audit log, for admins, a hundred entries a page (viewing it is audited too)."""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from web.console.guard import page, protected
from web.console.services import audit
from web.console.services.auth import Session


@protected(admin=True)
def audit_page(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    raw = request.query_params.get("page", "1")
    number = max(1, min(int(raw), 100_000)) if raw.isascii() and raw.isdigit() and len(raw) < 7 else 1
    entries = audit.entries(conn, limit=100, offset=(number - 1) * 100)
    audit.record(conn, session.user.username, "view_audit", detail=f"page={number}")
    total = audit.count(conn)
    return page(
        request, session, "audit.html", entries=entries, number=number,
        has_next=number * 100 < total,
    )  # fmt: skip
