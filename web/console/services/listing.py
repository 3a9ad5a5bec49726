"""The conversation list, the review queue and their counts, computed in SQL.

Everything reads the summary tables kept by `web.console.services.summary` (one row per
conversation, one per parent message), so a page costs the same after a year of
conversations as on the first day. `web.console.services.filters` parses the query string;
this module turns `Filters` into SQL.

A conversation counts as reviewed when a reviewer marked it and no parent message
arrived after the mark: a parent who writes again puts it back in the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    case,
    exists,
    false,
    func,
    not_,
    or_,
    select,
    true,
)

from web.console.services.filters import Filters, day_start
from web.console.services.messages import NOT_UNDERSTOOD, OUT_OF_SCOPE, THUMBS_DOWN, URGENT
from web.console.tables import conversations, messages, reviews, tags

c = conversations

# Why a conversation waits in the review queue, most pressing first.
PRIORITY_URGENT, PRIORITY_THUMBS_DOWN, PRIORITY_NOT_UNDERSTOOD, PRIORITY_OTHER = range(4)
PRIORITY_LABELS = {
    PRIORITY_URGENT: "urgent report",
    PRIORITY_THUMBS_DOWN: "thumbs down",
    PRIORITY_NOT_UNDERSTOOD: "not understood or low confidence",
    PRIORITY_OTHER: "not reviewed yet",
}


@dataclass(frozen=True)
class ConversationRow:
    """One line of the list or the queue."""

    sender_id: str
    started: float
    last: float
    turns: int
    preview: str
    topics: tuple[str, ...]
    flags: frozenset[str]
    reviewed: bool
    tags: tuple[str, ...]
    lowest_confidence: float | None
    priority: int = PRIORITY_OTHER

    @property
    def priority_label(self) -> str:
        return PRIORITY_LABELS[self.priority]


@dataclass(frozen=True)
class Page:
    items: list[ConversationRow]
    number: int
    total: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def not_understood(low_confidence: float) -> ColumnElement[bool]:
    """A conversation with a parent message the assistant did not understand (one fell back,
    or its lowest confidence is below ``low_confidence``); the insights count the same per
    message (`web.console.insights.queries.not_understood`)."""
    return or_(c.c.fallback == true(), c.c.lowest_confidence < low_confidence)


def is_reviewed() -> ColumnElement[bool]:
    """Marked reviewed, and no parent message since (needs the outer join on reviews)."""
    # Never NULL (a conversation without a review row is simply not reviewed), so that
    # NOT(...) selects it: SQL's NULL would drop it from both "yes" and "no".
    return and_(
        reviews.c.reviewed.is_not(None),
        reviews.c.reviewed == true(),
        or_(
            c.c.last_user_at.is_(None),
            and_(reviews.c.reviewed_at.is_not(None), reviews.c.reviewed_at >= c.c.last_user_at),
        ),
    )


def priority(low_confidence: float) -> ColumnElement[int]:
    return case(
        (c.c.urgent == true(), PRIORITY_URGENT),
        (c.c.thumbs_down == true(), PRIORITY_THUMBS_DOWN),
        (not_understood(low_confidence), PRIORITY_NOT_UNDERSTOOD),
        else_=PRIORITY_OTHER,
    )


def _flag(flag: str, low_confidence: float) -> ColumnElement[bool]:
    return {
        URGENT: c.c.urgent == true(),
        THUMBS_DOWN: c.c.thumbs_down == true(),
        OUT_OF_SCOPE: c.c.out_of_scope == true(),
        NOT_UNDERSTOOD: not_understood(low_confidence),
    }.get(flag, false())


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def conditions(filters: Filters, low_confidence: float) -> list[ColumnElement[bool]]:
    """The WHERE clauses of ``filters`` (bound parameters only)."""
    where: list[ColumnElement[bool]] = []
    if filters.date_from:
        where.append(c.c.started >= day_start(filters.date_from))
    if filters.date_to:
        where.append(c.c.started < day_start(filters.date_to + timedelta(days=1)))
    if filters.topic:
        where.append(
            exists().where(
                messages.c.sender_id == c.c.sender_id,
                messages.c.topic == filters.topic,
                messages.c.kind == "user",
            )
        )
    if filters.flag:
        where.append(_flag(filters.flag, low_confidence))
    if filters.max_confidence is not None:
        where.append(c.c.lowest_confidence < filters.max_confidence)
    if filters.reviewed == "yes":
        where.append(is_reviewed())
    elif filters.reviewed == "no":
        where.append(not_(is_reviewed()))
    if filters.q:
        # The redacted text, so a search cannot probe for hidden personal data.
        where.append(
            exists().where(
                messages.c.sender_id == c.c.sender_id,
                messages.c.kind == "user",
                messages.c.text_folded.like(_like_pattern(filters.q.casefold()), escape="\\"),
            )
        )
    return where


def _joined(*columns: Any) -> Select[Any]:
    return select(*columns).select_from(c.outerjoin(reviews, reviews.c.sender_id == c.c.sender_id))


def _rows(conn: Connection, query: Select[Any], low_confidence: float) -> list[ConversationRow]:
    found = list(conn.execute(query))
    tag_map: dict[str, list[str]] = {}
    if found:
        tag_query = select(tags.c.sender_id, tags.c.tag).where(
            tags.c.sender_id.in_([r.sender_id for r in found])
        )
        for row in conn.execute(tag_query.order_by(tags.c.tag)):
            tag_map.setdefault(row.sender_id, []).append(row.tag)
    return [
        ConversationRow(
            sender_id=r.sender_id,
            started=r.started,
            last=r.last,
            turns=r.turns,
            preview=r.preview,
            topics=tuple(t for t in r.topics.split("\n") if t),
            flags=frozenset(
                name
                for name, on in (
                    (URGENT, r.urgent),
                    (THUMBS_DOWN, r.thumbs_down),
                    (OUT_OF_SCOPE, r.out_of_scope),
                    (
                        NOT_UNDERSTOOD,
                        r.fallback
                        or (r.lowest_confidence is not None and r.lowest_confidence < low_confidence),
                    ),
                )
                if on
            ),
            reviewed=bool(r.reviewed_now),
            tags=tuple(tag_map.get(r.sender_id, [])),
            lowest_confidence=r.lowest_confidence,
            priority=r.priority,
        )
        for r in found
    ]


def _columns(low_confidence: float) -> list[Any]:
    return [
        *c.c,
        case((is_reviewed(), True), else_=False).label("reviewed_now"),
        priority(low_confidence).label("priority"),
    ]


def count(conn: Connection, filters: Filters, low_confidence: float) -> int:
    query = _joined(func.count()).where(*conditions(filters, low_confidence))
    return int(conn.execute(query).scalar() or 0)


def list_page(conn: Connection, filters: Filters, low_confidence: float, size: int) -> Page:
    """One page of the conversations passing ``filters``, newest first."""
    total = count(conn, filters, low_confidence)
    number = min(filters.page, max(1, -(-total // size)))
    query = (
        _joined(*_columns(low_confidence))
        .where(*conditions(filters, low_confidence))
        .order_by(c.c.started.desc(), c.c.sender_id)
        .limit(size)
        .offset((number - 1) * size)
    )
    return Page(_rows(conn, query, low_confidence), number, total, size)


Key = tuple[float, str]  # (started, sender_id): a position in the list's order


def next_senders(
    conn: Connection, filters: Filters, low_confidence: float, after: Key | None, size: int
) -> list[Key]:
    """The next ``size`` conversations passing ``filters`` after ``after``, in list order
    (keyset pagination: each chunk is one short query, whatever the number of matches)."""
    query = _joined(c.c.started, c.c.sender_id).where(*conditions(filters, low_confidence))
    if after is not None:
        query = query.where(
            or_(c.c.started < after[0], and_(c.c.started == after[0], c.c.sender_id > after[1]))
        )
    query = query.order_by(c.c.started.desc(), c.c.sender_id).limit(size)
    return [(float(r.started), str(r.sender_id)) for r in conn.execute(query)]


def _queue_order(low_confidence: float) -> list[Any]:
    return [priority(low_confidence), c.c.started.desc(), c.c.sender_id]


def review_queue(conn: Connection, low_confidence: float, number: int, size: int) -> Page:
    """Conversations not reviewed yet: urgent reports first, then thumbs down, then not
    understood or low confidence, then the rest; newest first within each."""
    unreviewed = not_(is_reviewed())
    total = int(conn.execute(_joined(func.count()).where(unreviewed)).scalar() or 0)
    number = max(1, min(number, max(1, -(-total // size))))
    query = (
        _joined(*_columns(low_confidence))
        .where(unreviewed)
        .order_by(*_queue_order(low_confidence))
        .limit(size)
        .offset((number - 1) * size)
    )
    return Page(_rows(conn, query, low_confidence), number, total, size)


def next_in_queue(conn: Connection, low_confidence: float, skip: str = "") -> str | None:
    """The first conversation of the review queue other than ``skip``."""
    query = (
        _joined(c.c.sender_id)
        .where(not_(is_reviewed()), c.c.sender_id != skip)
        .order_by(*_queue_order(low_confidence))
        .limit(1)
    )
    found = conn.execute(query).scalar()
    return None if found is None else str(found)


def unreviewed_urgent(conn: Connection) -> int:
    """Conversations with an urgent report nobody has reviewed (the header's count)."""
    query = _joined(func.count()).where(c.c.urgent == true(), not_(is_reviewed()))
    return int(conn.execute(query).scalar() or 0)


def summary_row(conn: Connection, sender_id: str, low_confidence: float) -> ConversationRow | None:
    query = _joined(*_columns(low_confidence)).where(c.c.sender_id == sender_id)
    found = _rows(conn, query, low_confidence)
    return found[0] if found else None
