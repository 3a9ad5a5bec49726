"""Review state of a conversation: reviewed mark, tags and notes."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, update

from web.console.tables import notes, reviews, tags

MAX_NOTE = 4000
_TAG_RE = re.compile(r"^[\w .:-]{1,64}$")


@dataclass(frozen=True)
class Note:
    id: int
    body: str
    author: str
    created_at: float


def set_reviewed(conn: Connection, sender_id: str, reviewed: bool, username: str) -> None:
    values = {"reviewed": reviewed, "reviewed_by": username, "reviewed_at": time.time()}
    exists = conn.execute(select(reviews.c.sender_id).where(reviews.c.sender_id == sender_id)).first()
    if exists:
        conn.execute(update(reviews).where(reviews.c.sender_id == sender_id).values(**values))
    else:
        conn.execute(insert(reviews).values(sender_id=sender_id, **values))


def add_tag(conn: Connection, sender_id: str, tag: str, username: str) -> str:
    tag = " ".join(tag.split()).lower()
    if not _TAG_RE.match(tag):
        raise ValueError("A tag is 1-64 letters, digits, spaces, '.', ':', '-' or '_'.")
    exists = conn.execute(select(tags.c.id).where(tags.c.sender_id == sender_id, tags.c.tag == tag)).first()
    if not exists:
        conn.execute(
            insert(tags).values(
                sender_id=sender_id,
                tag=tag,
                created_by=username,
                created_at=time.time(),
            )
        )
    return tag


def remove_tag(conn: Connection, sender_id: str, tag: str) -> None:
    conn.execute(delete(tags).where(tags.c.sender_id == sender_id, tags.c.tag == tag))


def add_note(conn: Connection, sender_id: str, body: str, username: str) -> None:
    body = body.strip()
    if not body:
        raise ValueError("A note cannot be empty.")
    if len(body) > MAX_NOTE:
        raise ValueError(f"A note has at most {MAX_NOTE} characters.")
    conn.execute(
        insert(notes).values(sender_id=sender_id, body=body, author=username, created_at=time.time())
    )


def notes_for(conn: Connection, sender_id: str) -> list[Note]:
    query = select(notes).where(notes.c.sender_id == sender_id).order_by(notes.c.id)
    return [Note(r.id, r.body, r.author, r.created_at) for r in conn.execute(query)]
