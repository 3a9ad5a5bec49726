"""Review state of a conversation: reviewed mark, tags and notes."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, update

from web.console.tables import notes, reviews, tags

MAX_NOTE = 4000  # characters; the form's textarea has maxlength="4000"
# The largest body of a form-valid note (the console's body cap, `web.app`): the textarea counts
# UTF-16 units, and one percent-encodes to at most 9 bytes (a 3-byte UTF-8 character, ``%E7%97%85``;
# a 4-byte one counts 2 units, a line break goes as ``%0D%0A``), plus the CSRF token, the
# conversation id (up to 255 characters, 9 bytes each) and the field names.
MAX_NOTE_FORM_BYTES = 9 * MAX_NOTE + 4096
NOTE_FORM_TOO_LARGE = (
    f"This form is too large for the console (more than {MAX_NOTE_FORM_BYTES} bytes once encoded). "
    f"A note has at most {MAX_NOTE} characters: go back, shorten the note and send it again."
)
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
    # Browsers send a textarea's line breaks as CRLF but count each as one character.
    body = body.replace("\r\n", "\n").strip()
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
