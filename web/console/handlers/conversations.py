"""Conversations: the filtered list, one conversation, and what a reviewer adds to it
(reviewed mark, tags, notes, intent corrections)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, select
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from web.console import audit, corrections, reviews, topics
from web.console.auth import Session
from web.console.conversations import load_conversation, load_conversations
from web.console.filters import apply_filters, paginate, parse_filters
from web.console.guard import base, config_of, page, protected
from web.console.messages import FLAGS
from web.console.tables import events


def choices(request: Request) -> list[str]:
    """The intents a message may be corrected to (read from the domain once per app)."""
    if request.app.state.choices is None:
        request.app.state.choices = topics.correction_choices()
    found: list[str] = request.app.state.choices
    return found


def faq_keys(request: Request) -> list[str]:
    return [c.split("/", 1)[1] for c in choices(request) if c.startswith("faq/")]


def filtered(request: Request, conn: Connection) -> tuple[Any, list]:
    """The query's filters and the conversations that pass them (the list and its CSV)."""
    filters = parse_filters(request.query_params, faq_keys(request))
    found = apply_filters(load_conversations(conn, config_of(request).low_confidence), filters)
    return filters, found


def event_id(form: dict) -> int | None:
    raw = form.get("event_id", "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


def _sender_exists(conn: Connection, sender_id: str) -> bool:
    query = select(events.c.id).where(events.c.sender_id == sender_id).limit(1)
    return conn.execute(query).first() is not None


def _back(request: Request, sender_id: str, message: str = "") -> Response:
    url = f"{base(request)}/conversations/{quote(sender_id, safe='')}"
    if message:
        url += "?message=" + quote(message)
    return RedirectResponse(url, 303)


@protected()
def conversation_list(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    filters, found = filtered(request, conn)
    listed = paginate(found, filters.page, config_of(request).page_size)
    audit.record(conn, session.user.username, "view_list", detail=audit.filter_names(request.query_params))
    return page(
        request, session, "list.html", page=listed, filters=filters, flags=FLAGS,
        topics=faq_keys(request), quote=quote,
    )  # fmt: skip


@protected()
def conversation_detail(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    sender_id = request.path_params["sender_id"]
    conversation = load_conversation(conn, sender_id, config_of(request).low_confidence)
    if conversation is None:
        return PlainTextResponse("No such conversation.", 404)
    audit.record(conn, session.user.username, "view_conversation", sender_id)
    return page(
        request,
        session,
        "conversation.html",
        conversation=conversation,
        notes=reviews.notes_for(conn, sender_id),
        corrected=corrections.corrections_by_event(conn, sender_id),
        choices=choices(request),
        message=request.query_params.get("message", "")[:200],
    )


@protected()
def mark_reviewed(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    sender_id = form.get("sender_id", "")
    if not _sender_exists(conn, sender_id):
        return PlainTextResponse("No such conversation.", 404)
    reviewed = form.get("reviewed", "1") == "1"
    reviews.set_reviewed(conn, sender_id, reviewed, session.user.username)
    action = "mark_reviewed" if reviewed else "mark_unreviewed"
    audit.record(conn, session.user.username, action, sender_id)
    return _back(request, sender_id)


@protected()
def tag(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    sender_id = form.get("sender_id", "")
    if not _sender_exists(conn, sender_id):
        return PlainTextResponse("No such conversation.", 404)
    value = form.get("tag", "")
    if form.get("remove") == "1":
        reviews.remove_tag(conn, sender_id, value)
        audit.record(conn, session.user.username, "remove_tag", sender_id)
        return _back(request, sender_id)
    try:
        value = reviews.add_tag(conn, sender_id, value, session.user.username)
    except ValueError as error:
        return _back(request, sender_id, str(error))
    audit.record(conn, session.user.username, "add_tag", sender_id)
    return _back(request, sender_id)


@protected()
def note(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    sender_id = form.get("sender_id", "")
    if not _sender_exists(conn, sender_id):
        return PlainTextResponse("No such conversation.", 404)
    try:
        reviews.add_note(conn, sender_id, form.get("note", ""), session.user.username)
    except ValueError as error:
        return _back(request, sender_id, str(error))
    audit.record(conn, session.user.username, "add_note", sender_id)
    return _back(request, sender_id)


@protected()
def correct(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    event = event_id(form)
    if event is None:
        return PlainTextResponse("No such message.", 404)
    intent = form.get("intent", "")
    try:
        sender_id = corrections.correct(conn, event, intent, choices(request), session.user.username)
    except LookupError:
        return PlainTextResponse("No such message.", 404)
    except ValueError as error:
        return PlainTextResponse(str(error), 400)
    audit.record(conn, session.user.username, "correct", f"event:{event}", intent)
    return _back(request, sender_id, "Correction saved.")
