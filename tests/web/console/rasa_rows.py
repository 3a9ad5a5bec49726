"""Rasa-compatible ``events`` rows for tests that run without the bot."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import Connection, insert, select

from console_tools.seed import create_events_table
from web.console.tables import events

__all__ = [
    "action",
    "bot",
    "create_events_table",
    "events",
    "insert_rows",
    "long_conversation",
    "sample_conversations",
    "user",
]


def user(
    sender: str,
    text: str,
    intent: str,
    confidence: float = 0.95,
    response_key: str | None = None,
    response_confidence: float = 0.9,
    entities: list[dict[str, Any]] | None = None,
    ts: float | None = None,
) -> dict[str, Any]:
    ts = time.time() if ts is None else ts
    parse_data: dict[str, Any] = {
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        "text": text,
    }
    if response_key:
        parse_data["response_selector"] = {
            "faq": {
                "response": {
                    "intent_response_key": response_key,
                    "confidence": response_confidence,
                    "utter_action": f"utter_{response_key}",
                },
                "ranking": [],
            }
        }
    data = {"event": "user", "timestamp": ts, "text": text, "parse_data": parse_data}
    return {"sender_id": sender, "type_name": "user", "timestamp": ts,
            "intent_name": intent, "action_name": None, "data": json.dumps(data)}  # fmt: skip


def bot(sender: str, text: str, ts: float | None = None, buttons: list | None = None) -> dict:
    ts = time.time() if ts is None else ts
    data = {"event": "bot", "timestamp": ts, "text": text, "data": {"buttons": buttons}}
    return {"sender_id": sender, "type_name": "bot", "timestamp": ts,
            "intent_name": None, "action_name": None, "data": json.dumps(data)}  # fmt: skip


def action(sender: str, name: str, ts: float | None = None) -> dict:
    ts = time.time() if ts is None else ts
    data = {"event": "action", "timestamp": ts, "name": name}
    return {"sender_id": sender, "type_name": "action", "timestamp": ts,
            "intent_name": None, "action_name": name, "data": json.dumps(data)}  # fmt: skip


def insert_rows(conn: Connection, rows: list[dict]) -> list[int]:
    ids = []
    for row in rows:
        ids.append(int(conn.execute(insert(events).values(**row)).inserted_primary_key[0]))
    return ids


def long_conversation(conn: Connection, sender: str, turns: int, now: float | None = None) -> list[int]:
    """``turns`` parent messages ("question 0001: my son Liam...") each answered by the bot,
    inserted in one statement; returns the event ids in order (parent, reply, parent...)."""
    start = (time.time() if now is None else now) - 2 * turns - 10
    rows = []
    for n in range(1, turns + 1):
        ts = start + 2 * n
        rows.append(user(sender, f"question {n:04d}: my son Liam has a fever, is that CRS?", "faq", 0.95,
                         "faq/what_is_crs", 0.9, ts=ts))  # fmt: skip
        rows.append(bot(sender, f"answer {n:04d}: please call your care team.", ts=ts + 1))
    conn.execute(insert(events), rows)
    query = select(events.c.id).where(events.c.sender_id == sender).order_by(events.c.id)
    return [int(i) for i in conn.execute(query).scalars()]


def sample_conversations(conn: Connection, now: float | None = None) -> dict[str, list[int]]:
    """Four conversations covering every flag; returns event ids per sender."""
    now = time.time() if now is None else now
    down = [{"entity": "feedback_value", "value": "down"}]
    convs = {
        "faq-1": [
            user("faq-1", "what is crs? my son Liam had car t", "faq", 0.97,
                 "faq/what_is_crs", 0.93, ts=now - 400),
            action("faq-1", "utter_faq", ts=now - 399),
            bot("faq-1", "CRS is a side effect... call your care team.", ts=now - 399),
            user("faq-1", '/feedback{"feedback_value":"down"}', "feedback", 1.0,
                 entities=down, ts=now - 390),
        ],
        "urgent-1": [
            user("urgent-1", "my daughter is having a seizure call 555-123-4567",
                 "report_urgent_symptom", 0.99, ts=now - 300),
            action("urgent-1", "utter_urgent", ts=now - 299),
            bot("urgent-1", "Call 911 now and your care team.", ts=now - 299),
        ],
        "oos-1": [
            user("oos-1", "what is the weather tomorrow", "out_of_scope", 0.9, ts=now - 200),
            bot("oos-1", "I can only answer questions about CRS. Ask your care team.",
                ts=now - 199),
        ],
        "fallback-1": [
            user("fallback-1", "asdf qwer zxcv", "nlu_fallback", 0.3, ts=now - 100),
            action("fallback-1", "action_two_stage_fallback", ts=now - 99),
            bot("fallback-1", "Sorry, did you mean...? Or ask your care team.", ts=now - 99,
                buttons=[{"title": "What is CRS?", "payload": "/faq/what_is_crs"}]),
            user("fallback-1", "when does it start", "faq", 0.55,
                 "faq/when_does_crs_start", 0.5, ts=now - 90),
        ],
    }  # fmt: skip
    return {sender: insert_rows(conn, rows) for sender, rows in convs.items()}
