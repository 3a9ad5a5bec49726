"""Fixtures over the trained model: an in-process NLU parser and the live bot over REST."""

import asyncio
import json
import urllib.request
from pathlib import Path
from typing import Any, Dict, List

import pytest

from launcher.stack import MODEL, StackOptions, start_stack
from tests.helpers import ROOT

RESULTS = ROOT / "results"


@pytest.fixture(scope="session")
def parse():
    """parse(text) -> Rasa parse data, from the trained model loaded once."""
    from rasa.core.agent import Agent

    assert MODEL.exists(), "no trained model: scripts/test.sh trains it first"
    agent = Agent.load(str(MODEL))
    loop = asyncio.new_event_loop()

    def _parse(text: str) -> Dict[str, Any]:
        return loop.run_until_complete(agent.parse_message(text))

    yield _parse
    loop.close()


@pytest.fixture(scope="session")
def live_bot(tmp_path_factory):
    """Action server + Rasa on free loopback ports, with their own SQLite tracker store."""
    db = tmp_path_factory.mktemp("tracker") / "rasa.db"
    log_dir = tmp_path_factory.mktemp("logs")
    with start_stack(StackOptions(database_url=f"sqlite:///{db}", gateway=False, log_dir=log_dir)) as stack:
        stack.database_path = db  # type: ignore[attr-defined]
        yield stack


def send(stack, sender: str, message: str) -> List[Dict[str, Any]]:
    """One message through Rasa's REST channel; the list of bot messages."""
    request = urllib.request.Request(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def write_result(name: str, data: Dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path
