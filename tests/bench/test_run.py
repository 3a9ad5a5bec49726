"""bench/run.py: the baseline is served with Rasa's own SQLTrackerStore."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.run import faq_texts, rasa_sql_tracker_store
from launcher.stack import ROOT

ENDPOINTS = """# comment
action_endpoint:
  url: "http://127.0.0.1:5055/webhook"

# the store
tracker_store:
  type: assistant.plugins.tracker_store.SettingsSQLTrackerStore
  # an indented comment

nlg:
  type: assistant.plugins.nlg.SettingsResponseGenerator
lock_store:
  type: assistant.plugins.lock_store.AtomicRedisLockStore
"""


def test_only_the_tracker_store_section_changes():
    out = yaml.safe_load(rasa_sql_tracker_store(ENDPOINTS, Path("/tmp/x y/baseline.db")))
    assert out["tracker_store"] == {"type": "SQL", "dialect": "sqlite", "db": "/tmp/x y/baseline.db"}
    original = yaml.safe_load(ENDPOINTS)
    for key in ("action_endpoint", "nlg", "lock_store"):
        assert out[key] == original[key]


def test_the_projects_endpoints_have_a_section_to_replace():
    text = (ROOT / "endpoints.yml").read_text(encoding="utf-8")
    out = yaml.safe_load(rasa_sql_tracker_store(text, Path("/tmp/b.db")))
    assert out["tracker_store"]["type"] == "SQL"
    assert set(out) == set(yaml.safe_load(text))


def test_no_section_is_an_error():
    with pytest.raises(ValueError, match="tracker_store"):
        rasa_sql_tracker_store("nlg:\n  type: x\n", Path("/tmp/b.db"))


def test_the_session_asks_faq_questions_only():
    examples = [("hi", "greet"), ("fever?", "faq/fever"), ("bath?", "faq/bathing"), ("help", "ask_for_help")]
    assert faq_texts(examples) == ["fever?", "bath?"]
    assert faq_texts([("hi", "greet")]) == ["hi"]  # no FAQ label: every text
