"""The corrections export (YAML merged into training data) never carries personal data."""

import yaml  # type: ignore[import-untyped]

from tests.web.console import rasa_rows
from web.console.services import corrections
from web.console.services.exports import nlu_yaml

CHOICES = ["faq/what_is_crs", "faq/when_does_crs_start", "report_urgent_symptom"]
SECRETS = ("Liam", "Smith", "614-555-0192", "Patel", "St. Jude", "jess@example.org", "45402")


def test_every_exported_correction_text_is_redacted(engine) -> None:
    rows = [
        rasa_rows.user("p1", "what is crs? my son Liam Smith had car t at St. Jude", "faq", 0.4,
                       "faq/what_is_crs", 0.3),
        rasa_rows.user("p1", "Dr. Patel said call 614-555-0192 if liam has a fever", "nlu_fallback", 0.2),
        # free text the NLU took for feedback: Message.redacted_text would not redact it
        rasa_rows.user("p2", "liam still has a fever, email jess@example.org, zip 45402", "feedback", 0.5),
    ]  # fmt: skip
    with engine.begin() as conn:
        ids = rasa_rows.insert_rows(conn, rows)
        for event_id, intent in zip(ids, CHOICES, strict=True):
            corrections.correct(conn, event_id, intent, CHOICES, "ada")
        found = corrections.all_corrections(conn)
    assert len(found) == 3
    exported = nlu_yaml(found)
    for secret in SECRETS:
        assert secret not in exported
        assert all(secret not in c.text for c in found)
    assert "<NAME>" in exported and "<PHONE>" in exported and "<EMAIL>" in exported
    examples = " ".join(item["examples"] for item in yaml.safe_load(exported)["nlu"])
    assert "liam" not in examples.lower()
