"""The seeding command: realistic Rasa events the console parses, deterministic, checked
arguments. No timing here (see console_tools/scale_bench for the figures)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from assistant import project_files
from assistant.names import FAQ_INTENT, FEEDBACK_INTENT, URGENT_INTENT, URGENT_RESPONSE
from console_tools import seed
from web.console.db import make_engine
from web.console.services.messages import FLAGS, build_messages
from web.console.tables import events

END = datetime(2025, 6, 1, tzinfo=UTC).timestamp()
CONVERSATIONS = 200  # enough that every flag turns up (urgent is ~3% of messages)


def _rows(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        query = select(events).order_by(events.c.id)
        return [dict(r._mapping) for r in conn.execute(query)]


def test_seeded_events_are_conversations_the_console_reads(engine: Engine) -> None:
    result = seed.seed_events(engine, CONVERSATIONS, days=30, seed=11, batch=500, end=END)
    rows = _rows(engine)
    assert result.events == len(rows)
    senders = {r["sender_id"] for r in rows}
    assert len(senders) == CONVERSATIONS
    assert 8 <= len(rows) / CONVERSATIONS <= 13  # about ten events a conversation
    assert all(END - 30 * seed.DAY <= r["timestamp"] < END for r in rows)
    # Rasa appends events as they happen: ids follow time across conversations.
    stamps = [r["timestamp"] for r in rows]
    assert stamps == sorted(stamps)

    flags: Counter[str] = Counter()
    topics: set[str] = set()
    redacted = 0
    by_sender = sorted(rows, key=lambda r: (r["sender_id"], r["id"]))
    for _sender, group in groupby(by_sender, key=lambda r: r["sender_id"]):
        conversation = list(group)
        assert [r["type_name"] for r in conversation[:3]] == ["action", "session_started", "action"]
        assert conversation[0]["action_name"] == seed.SESSION_START
        messages = build_messages(conversation, low_confidence=0.6)
        users = [m for m in messages if m.kind == "user"]
        assert 1 <= len(users) <= 8  # 1-6 turns, and now and then a second session
        for message in messages:
            assert message.text.strip()
            assert "{" not in message.text or message.kind == "feedback"  # slots filled in
            flags.update(message.flags)
            if message.kind == "user" and message.redacted_text != message.text:
                redacted += 1
        topics.update(m.topic for m in users if m.topic)
    assert set(FLAGS) <= set(flags), flags
    assert len(topics) >= 20
    assert redacted > 0  # children's names, phone numbers...

    kinds = Counter(r["intent_name"] for r in rows if r["type_name"] == "user")
    assert kinds[FAQ_INTENT] > sum(kinds.values()) / 2
    assert kinds[URGENT_INTENT] > 0 and kinds[FEEDBACK_INTENT] > 0
    assert any(r["action_name"] == URGENT_RESPONSE for r in rows)


def test_user_events_carry_rasa_parse_data(engine: Engine) -> None:
    seed.seed_events(engine, 20, days=5, seed=3, end=END)
    user = next(r for r in _rows(engine) if r["type_name"] == "user" and r["intent_name"] == FAQ_INTENT)
    data = json.loads(user["data"])
    parse = data["parse_data"]
    assert data["event"] == "user" and data["text"] == parse["text"]
    assert parse["intent"]["name"] == FAQ_INTENT and 0 < parse["intent"]["confidence"] <= 1
    answer = parse["response_selector"][FAQ_INTENT]["response"]
    assert answer["intent_response_key"].startswith(f"{FAQ_INTENT}/")
    assert parse["intent"]["full_retrieval_intent_name"] == answer["intent_response_key"]
    assert len(parse["intent_ranking"]) > 1 and len(parse["response_selector"][FAQ_INTENT]["ranking"]) > 1


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    first = list(seed.generate(60, days=10, seed=5, end=END))
    assert first == list(seed.generate(60, days=10, seed=5, end=END))
    assert first != list(seed.generate(60, days=10, seed=6, end=END))


def test_same_seed_same_database(tmp_path: Path) -> None:
    tables = []
    for name in ("a", "b"):
        engine = make_engine(f"sqlite:///{tmp_path / name}.db")
        seed.seed_events(engine, 40, days=10, seed=9, batch=77, end=END)
        tables.append(_rows(engine))
        engine.dispose()
    assert tables[0] == tables[1]


def test_nights_and_evenings_are_busier_than_early_mornings() -> None:
    hours = Counter(
        datetime.fromtimestamp(row[2], UTC).hour
        for row in seed.generate(1500, days=60, seed=1, end=END)
        if row[1] == "session_started"
    )
    assert hours[21] + hours[22] > 2 * (hours[4] + hours[5])


def test_replies_and_rules_come_from_the_domain() -> None:
    corpus = seed.load_corpus()
    domain = project_files.domain()
    for name in (seed.FALLBACK_REPLY, seed.CORE_FALLBACK_REPLY, *seed.FEEDBACK_REPLIES.values()):
        assert name in domain["responses"]
    assert corpus.rule_actions[URGENT_INTENT] == URGENT_RESPONSE
    assert set(corpus.feedback_examples) == {"up", "down"}
    assert all(f"utter_{FAQ_INTENT}/{key}" in domain["responses"] for key in corpus.faq_keys)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--conversations", "0"], "--conversations must be between"),
        (["--conversations", "-3"], "--conversations must be between"),
        (["--conversations", "ten"], "invalid int value"),
        (["--conversations", "5", "--days", "0"], "--days must be between"),
        (["--conversations", "5", "--batch", "0"], "--batch must be between"),
        (["--conversations", "5", "--end", "yesterday"], "expected a date"),
    ],
)
def test_bad_arguments_are_rejected(args: list[str], message: str, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    with pytest.raises(SystemExit) as exit_info:
        seed.main(["--database-url", f"sqlite:///{tmp_path / 'x.db'}", *args])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()


def test_bad_database_url_is_rejected(capsys) -> None:  # noqa: ANN001
    with pytest.raises(SystemExit):
        seed.main(["--database-url", "not a url", "--conversations", "5"])
    assert "not a database URL" in capsys.readouterr().err


def test_refuses_a_table_with_events_unless_appending(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'rasa.db'}"
    assert seed.main(["--database-url", url, "--conversations", "5", "--end", "2025-06-01"]) == 0
    assert "seeded 5 conversations" in capsys.readouterr().out
    assert seed.main(["--database-url", url, "--conversations", "5"]) == 2
    assert "--append" in capsys.readouterr().err
    assert seed.main(["--database-url", url, "--conversations", "5", "--seed", "8", "--append"]) == 0
    engine = make_engine(url)
    assert len({r["sender_id"] for r in _rows(engine)}) == 10
    engine.dispose()


def test_percentiles_are_nearest_rank() -> None:
    from console_tools.scale_bench import percentile

    values = [float(v) for v in range(1, 21)]
    assert percentile(values, 50) == 10.0 and percentile(values, 95) == 19.0
    assert percentile([3.0], 95) == 3.0 and percentile([], 50) == 0.0


def test_scale_bench_runs_end_to_end_on_a_small_sqlite_database(tmp_path: Path) -> None:
    """A smoke run (no timing asserted): seed, sync, serve, sign in, time, export, report."""
    from console_tools import scale_bench

    output = tmp_path / "scale.md"
    shown: list[str] = []
    scale_bench.main(
        ["--database-url", f"sqlite:///{tmp_path}", "--sizes", "30", "--requests", "1", "--warmup", "0",
         "--export-runs", "1", "--output", str(output)],
        say=shown.append,
    )  # fmt: skip
    markdown = output.read_text()
    assert shown == [markdown]
    assert "| SQLite | 30 |" in markdown and "stopped" not in markdown
    assert "| list |" in markdown and "| all conversations |" in markdown
    assert not list(tmp_path.glob("scale-*.db"))  # removed afterwards
