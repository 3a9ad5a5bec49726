"""The SQL list gives the same conversations, in the same order, as the Python filters
it replaced (tests/web/console/reference_filters.py), on the same generated data."""

from __future__ import annotations

import itertools
import random

import pytest
from sqlalchemy import Engine

from tests.web.console import reference_filters
from tests.web.console.rasa_rows import action, bot, insert_rows, user
from web.console.services import listing, reviews, summary
from web.console.services.conversations import load_conversations
from web.console.services.filters import parse_filters

TOPICS = ["what_is_crs", "crs_symptoms", "when_does_crs_start", "crs_treatment"]
T0 = 1_700_000_000.0
DAY = 86400.0
LOW = 0.6
TEXTS = ["what is crs", "my son Liam has a fever", "is CRS dangerous?", "thanks!", "Fièvre ÉLEVÉE",
         "100% sure?", "when does it start", "she can't breathe"]  # fmt: skip


def _conversation(rng: random.Random, n: int) -> list[dict]:
    sender = f"s{n:03d}"
    ts = T0 + rng.uniform(0, 20) * DAY
    rows: list[dict] = []
    for _ in range(rng.randint(1, 4)):
        ts += rng.uniform(5, 600)
        kind = rng.choice(["faq", "faq", "faq", "urgent", "oos", "fallback", "feedback"])
        text = rng.choice(TEXTS)
        if kind == "faq":
            topic = rng.choice(TOPICS)
            rows.append(
                user(sender, text, "faq", rng.uniform(0.3, 1), f"faq/{topic}", rng.uniform(0.3, 1), ts=ts)
            )
            rows.append(action(sender, "utter_faq", ts=ts + 1))
        elif kind == "urgent":
            rows.append(user(sender, text, "report_urgent_symptom", rng.uniform(0.5, 1), ts=ts))
            rows.append(action(sender, "utter_urgent", ts=ts + 1))
        elif kind == "oos":
            rows.append(user(sender, text, "out_of_scope", rng.uniform(0.4, 1), ts=ts))
        elif kind == "fallback":
            rows.append(user(sender, text, "nlu_fallback", rng.uniform(0.1, 0.5), ts=ts))
            rows.append(action(sender, "action_two_stage_fallback", ts=ts + 1))
        else:
            value = rng.choice(["up", "down"])
            entities = [{"entity": "feedback_value", "value": value}]
            rows.append(user(sender, f'/feedback{{"feedback_value":"{value}"}}', "feedback", 1.0,
                             entities=entities, ts=ts))  # fmt: skip
            continue
        rows.append(bot(sender, "an answer, ask your care team", ts=ts + 1))
    return rows


@pytest.fixture
def generated(engine: Engine) -> list[str]:
    rng = random.Random(11)
    convs = [_conversation(rng, n) for n in range(80)]
    # Interleave the conversations' events, as several parents writing at once would.
    rows = [r for group in itertools.zip_longest(*convs) for r in group if r is not None]
    with engine.begin() as conn:
        insert_rows(conn, rows)
        for n in range(0, 80, 3):
            reviews.set_reviewed(conn, f"s{n:03d}", True, "rex")
        # Reviewed before the parent's last message: back in the queue.
        last = max(r["timestamp"] for r in convs[1] if r["type_name"] == "user")
        reviews.set_reviewed(conn, "s001", True, "rex")
        conn.execute(reviews.reviews.update().where(reviews.reviews.c.sender_id == "s001")
                     .values(reviewed_at=last - 1))  # fmt: skip
    summary.sync(engine, batch_size=37)  # many small batches: conversations span batches
    return [f"s{n:03d}" for n in range(80)]


CASES = [
    {},
    *({"flag": f} for f in ("urgent", "not_understood", "out_of_scope", "thumbs_down")),
    *({"topic": t} for t in TOPICS),
    {"reviewed": "yes"}, {"reviewed": "no"},
    {"max_confidence": "0.5"}, {"max_confidence": "0.9"},
    {"date_from": "2023-11-20"}, {"date_to": "2023-11-25"},
    {"date_from": "2023-11-18", "date_to": "2023-11-28", "flag": "urgent"},
    {"q": "fever"}, {"q": "liam"}, {"q": "élevée"}, {"q": "100%"}, {"q": "CRS", "reviewed": "no"},
    {"topic": "crs_symptoms", "max_confidence": "0.7", "flag": "not_understood"},
]  # fmt: skip


@pytest.mark.parametrize("params", CASES, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "all")
def test_sql_list_equals_python_filters(engine: Engine, generated: list[str], params: dict) -> None:
    filters = parse_filters(params, TOPICS)
    assert not filters.errors
    with engine.connect() as conn:
        expected = reference_filters.apply_filters(load_conversations(conn, LOW), filters)
        pages, number = [], 1
        while True:
            filters.page = number
            page = listing.list_page(conn, filters, LOW, 7)
            pages.extend(page.items)
            if not page.has_next:
                break
            number += 1
    assert [c.sender_id for c in pages] == [c.sender_id for c in expected]
    assert page.total == len(expected)
    by_id = {c.sender_id: c for c in expected}
    for row in pages:
        reference = by_id[row.sender_id]
        assert row.turns == reference.turns
        assert list(row.topics) == reference.topics
        assert set(row.flags) == reference.flags
        assert row.reviewed == reference.reviewed
        assert row.started == pytest.approx(reference.started)
        assert row.lowest_confidence == pytest.approx(reference.lowest_confidence)


def test_the_generated_data_covers_every_case(engine: Engine, generated: list[str]) -> None:
    with engine.connect() as conn:
        conversations = load_conversations(conn, LOW)
    flags = set().union(*(c.flags for c in conversations))
    assert flags == {"urgent", "not_understood", "out_of_scope", "thumbs_down"}
    assert {c.reviewed for c in conversations} == {True, False}
    assert not next(c for c in conversations if c.sender_id == "s001").reviewed
