"""Conversations: the review queue (the console's first page), the filtered list, one
conversation, and what a reviewer adds to it (reviewed mark, tags, notes, corrections).

Lists and counts come from the SQL summary (`web.console.services.listing`); a conversation's page
shows its summary's facts and one part of its transcript (`web.console.services.conversations`):
the latest `PART_SIZE` messages, or those before the event id in ``?before=``."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from sqlalchemy import Connection, select
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from web.console import topics
from web.console.alerts import outbox
from web.console.guard import base, config_of, page, protected
from web.console.services import audit, corrections, listing, reviews
from web.console.services.auth import Session
from web.console.services.conversations import conversation_facts, load_part
from web.console.services.filters import Filters, parse_filters
from web.console.services.messages import FLAGS
from web.console.tables import events


def choices(request: Request) -> list[str]:
    """The intents a message may be corrected to (read from the domain once per app)."""
    if request.app.state.choices is None:
        request.app.state.choices = topics.correction_choices()
    found: list[str] = request.app.state.choices
    return found


def faq_keys(request: Request) -> list[str]:
    return [c.split("/", 1)[1] for c in choices(request) if c.startswith("faq/")]


def query_filters(request: Request) -> Filters:
    """The list's (and its CSV's) filters from the query string."""
    return parse_filters(request.query_params, faq_keys(request))


def plain_number(raw: str) -> int | None:
    """An id typed in a form or a query string: ASCII digits only, at most 11 of them."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else None


def event_id(form: dict) -> int | None:
    return plain_number(form.get("event_id", ""))


def _sender_exists(conn: Connection, sender_id: str) -> bool:
    query = select(events.c.id).where(events.c.sender_id == sender_id).limit(1)
    return conn.execute(query).first() is not None


def conversation_url(request: Request, sender_id: str) -> str:
    return f"{base(request)}/conversations/{quote(sender_id, safe='')}"


def _back(
    request: Request, sender_id: str, message: str = "", before: int | None = None, event: int | None = None
) -> Response:
    """Back to the conversation: its latest part, or the one before event ``before``
    (scrolled to message ``event``)."""
    query = {"before": "" if before is None else str(before), "message": message}
    url = conversation_url(request, sender_id)
    if any(query.values()):
        url += "?" + urlencode({k: v for k, v in query.items() if v})
    if event is not None:
        url += f"#event-{event}"
    return RedirectResponse(url, 303)


@protected()
def review_queue(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    """The first page: conversations nobody has reviewed, most pressing first."""
    config = config_of(request)
    number = parse_filters({"page": request.query_params.get("page", "")}, []).page
    queue = listing.review_queue(conn, config.low_confidence, number, config.page_size)
    audit.record(conn, session.user.username, "view_queue")
    done = request.query_params.get("done") == "1"
    return page(request, session, "queue.html", page=queue, quote=quote, done=done)


@protected()
def conversation_list(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    filters = query_filters(request)
    config = config_of(request)
    listed = listing.list_page(conn, filters, config.low_confidence, config.page_size)
    audit.record(conn, session.user.username, "view_list", detail=audit.filter_names(request.query_params))
    return page(
        request, session, "list.html", page=listed, filters=filters, flags=FLAGS,
        topics=faq_keys(request), quote=quote,
    )  # fmt: skip


@protected()
def conversation_detail(request: Request, conn: Connection, session: Session, form: dict) -> Response:
    sender_id = request.path_params["sender_id"]
    low = config_of(request).low_confidence
    part = load_part(conn, sender_id, low, plain_number(request.query_params.get("before", "")))
    conversation = conversation_facts(conn, sender_id, low) if part is not None else None
    if part is None or conversation is None:
        return PlainTextResponse("No such conversation.", 404)
    audit.record(conn, session.user.username, "view_conversation", sender_id)
    upcoming = listing.next_in_queue(conn, config_of(request).low_confidence, skip=sender_id)
    return page(
        request,
        session,
        "conversation.html",
        conversation=conversation,
        part=part,
        notes=reviews.notes_for(conn, sender_id),
        alerts=outbox.for_conversation(conn, sender_id),
        corrected=corrections.corrections_by_event(conn, sender_id),
        choices=choices(request),
        in_queue=not conversation.reviewed,
        has_next=upcoming is not None,
        message=request.query_params.get("message", "")[:200],
        quote=quote,
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
    if reviewed and form.get("next") == "1":
        # "Mark reviewed and open the next one": straight on through the queue.
        upcoming = listing.next_in_queue(conn, config_of(request).low_confidence, skip=sender_id)
        target = conversation_url(request, upcoming) if upcoming else f"{base(request)}/?done=1"
        return RedirectResponse(target, 303)
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
    return _back(request, sender_id, "Correction saved.", plain_number(form.get("before", "")), event)
