"""Shared by the insights tests: a range of days around a Monday, summary rows written
straight into the tables, and the page's chart images."""

from __future__ import annotations

import base64
import re
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, insert

from web.console.insights import queries
from web.console.insights.dates import DateRange, day_number
from web.console.tables import conversations, messages

D0 = date(2026, 11, 2)  # a Monday
DAY = 86_400
LOW = 0.6
RANGE = {"date_from": D0.isoformat(), "date_to": (D0 + timedelta(days=6)).isoformat()}


def day_of(offset: int) -> int:
    return day_number(D0) + offset


def range_of(first: int, last: int) -> DateRange:
    return DateRange(D0 + timedelta(days=first), D0 + timedelta(days=last))


class Rows:
    """Summary rows written straight into the tables (no Rasa events, no sync)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.next_id = 1

    def message(self, offset: int, kind: str = "user", second: int = 3600, **values: Any) -> None:
        day = day_of(offset)
        row = {"sender_id": "s1", "timestamp": float(day * DAY + second), "day": day, "kind": kind,
               "intent": "faq", "topic": None, "confidence": 0.95, "urgent": False, "fallback": False,
               "out_of_scope": False, "feedback": None, "text_redacted": "hello"}  # fmt: skip
        row.update(values)
        with self.engine.begin() as conn:
            conn.execute(insert(messages).values(event_id=self.next_id, **row))
        self.next_id += 1

    def messages(self, offset: int, count: int, **values: Any) -> None:
        for _ in range(count):
            self.message(offset, **values)

    def conversation(self, sender: str, offset: int, second: int = 3600, urgent: bool = False) -> None:
        started = float(day_of(offset) * DAY + second)
        with self.engine.begin() as conn:
            conn.execute(
                insert(conversations).values(
                    sender_id=sender, started=started, last=started, turns=1, urgent=urgent
                )
            )


def load(engine: Engine, rng: DateRange, low: float = LOW) -> queries.Insights:
    with engine.begin() as conn:
        return queries.load(conn, rng, low)


def sample(rows: Rows) -> None:
    rows.conversation("u1", 1, urgent=True)
    rows.conversation("c2", 1)
    rows.message(1, topic="what_is_crs")
    rows.message(1, topic="=SUM(A1:A9)")
    rows.message(2, fallback=True, text_redacted='<script>alert("x")</script> <img src=x onerror=alert(1)>')
    rows.message(2, out_of_scope=True, text_redacted="is it going to rain")
    rows.message(3, kind="feedback", feedback="down", topic="what_is_crs")


def svg_images(html: str) -> list[str]:
    uris = re.findall(r'(?:src|srcset)="data:image/svg\+xml;base64,([^"]+)"', html)
    return [base64.b64decode(uri).decode("utf-8") for uri in uris]
