"""Does a turn cost more late in a long conversation? The tracker store alone, on SQLite.

    .venv/bin/python -m bench.tracker_turns            # 300 turns, cache off then on
    .venv/bin/python -m bench.tracker_turns --turns 100

One sender, N turns in a row, each as Rasa's processor does it against the store:
retrieve (or create) the tracker, log a realistic FAQ turn (the user's message with
its parse data and response-selector ranking, the featurisation marker, the answer
action, the bot's answer, `action_listen`; a slot now and then) and save. Prints the
median time of a turn for turns 1-10, 91-100, ... and the last ten, with the tracker
cache off (`CRS_TRACKER_CACHE_SIZE=0`: Rasa's `SQLTrackerStore` reads and replays
the session, and counts it again to save) and on. A measurement, not a test: no
figure is asserted anywhere. `turn_events` is also the scripted conversation of
tests/assistant/plugins/test_tracker_cache.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

ROOT = Path(__file__).resolve().parent.parent
MODEL_ID = "5a0a3c0a0f1e4e6bb7e0a7c5c1d2e3f4"
ASSISTANT_ID = "crs-faq-assistant"
FAQ_KEYS = [f"faq/{name}" for name in ("fever", "pain", "bathing", "school", "diet", "sleep", "rash")]
INTENTS = ["faq", "greet", "goodbye", "thank", "out_of_scope", "ask_for_help", "report_urgent_symptom"]
ANSWER = (
    "A low fever after the treatment is common in the first days. Give plenty to drink and let your "
    "child rest. If the fever is 38.5 C or higher, lasts more than a day, or your child seems very "
    "unwell, contact the care team. To reach them, call the phone number on your discharge papers."
)


def domain() -> Domain:
    """The project's domain (its slots are what the trackers hold)."""
    return Domain.load(str(ROOT / "domain"))


class Clock:
    """Strictly increasing event timestamps: the time now, or 1 ms steps from `start` (repeatable)."""

    def __init__(self, start: Optional[float] = None) -> None:
        self.real = start is None
        self.now = time.time() if start is None else start

    def __call__(self) -> float:
        self.now = max(time.time(), self.now + 1e-6) if self.real else self.now + 0.001
        return self.now


def parse_data(turn: int) -> Dict:
    key = FAQ_KEYS[turn % len(FAQ_KEYS)]
    text = f"question {turn}: is it normal that my child has a {key.split('/')[1]} after the treatment?"
    ranking = [{"name": name, "confidence": round(0.9 / (i + 1), 4)} for i, name in enumerate(INTENTS)]
    selector_ranking = [
        {"id": 1000 + i, "confidence": round(0.95 / (i + 1), 4), "intent_response_key": k}
        for i, k in enumerate(FAQ_KEYS)
    ]
    selected = {
        "response": {
            "responses": [{"text": ANSWER}],
            "confidence": 0.95,
            "intent_response_key": key,
            "utter_action": f"utter_{key}",
        },
        "ranking": selector_ranking,
    }
    return {
        "text": text,
        "intent": {"name": "faq", "confidence": 0.9},
        "entities": [],
        "text_tokens": [[i, i + 3] for i in range(0, len(text) - 3, 5)],
        "intent_ranking": ranking,
        "response_selector": {"all_retrieval_intents": ["faq"], "default": selected, "faq": selected},
    }


def turn_events(turn: int, clock: Clock) -> List[Event]:
    """One FAQ turn as Rasa logs it (every 7th turn also sets a slot)."""
    data = parse_data(turn)
    key = data["intent"]["name"] + "/" + FAQ_KEYS[turn % len(FAQ_KEYS)].split("/")[1]
    events: List[Event] = [
        UserUttered(data["text"], data["intent"], [], data, clock(), input_channel="rest",
                    message_id=f"{turn:032x}"),
        DefinePrevUserUtteredFeaturization(False, clock()),
        ActionExecuted(f"utter_{key}", policy="RulePolicy", confidence=1.0, timestamp=clock()),
        BotUttered(ANSWER, {"elements": None, "quick_replies": None, "buttons": None, "attachment": None,
                            "image": None, "custom": None}, {"utter_action": f"utter_{key}"}, clock()),
    ]  # fmt: skip
    if turn % 7 == 3:
        events.append(SlotSet("urgency_level", "urgent" if turn % 2 else "emergency", clock()))
    events.append(ActionExecuted("action_listen", policy="RulePolicy", confidence=1.0, timestamp=clock()))
    return events


def session_start_events(clock: Clock) -> List[Event]:
    """What `action_session_start` logs, in Rasa's order and timestamps."""
    return [
        ActionExecuted("action_session_start", timestamp=clock()),
        SessionStarted(clock()),
        ActionExecuted("action_listen", timestamp=clock()),
    ]


async def turn(
    store: TrackerStore,
    sender: str,
    number: int,
    clock: Clock,
    new_session: bool = False,
    extra: Optional[Callable[[Clock], Sequence[Event]]] = None,
) -> DialogueStateTracker:
    """Retrieve (or create), log one turn, save: the tracker store's part of a Rasa turn.

    As Rasa's processor: a new conversation is saved with its first `action_listen`
    (`TrackerStore.create_tracker`, here with the clock's time), then starts a session.
    `extra`: makes events (with the clock's times) logged after the turn's own.
    """
    tracker = await store.retrieve(sender)
    if tracker is None:
        tracker = store.init_tracker(sender)
        tracker.update(ActionExecuted("action_listen", timestamp=clock()))
        await store.save(tracker)
    tracker.model_id, tracker.assistant_id = MODEL_ID, ASSISTANT_ID
    if new_session or not any(isinstance(e, SessionStarted) for e in tracker.events):
        for event in session_start_events(clock):
            tracker.update(event)
    for event in [*turn_events(number, clock), *(extra(clock) if extra else ())]:
        tracker.update(event)
    await store.save(tracker)
    return tracker


def timed_turns(cache_size: int, turns: int, directory: Path) -> Tuple[List[float], List[float]]:
    """Milliseconds of each of `turns` turns of one sender, with the given cache size: (wall, CPU)."""
    os.environ["CRS_DATABASE_URL"] = f"sqlite:///{directory / f'cache-{cache_size}.db'}"
    os.environ["CRS_TRACKER_CACHE_SIZE"] = str(cache_size)
    from assistant.plugins.tracker_store import SettingsSQLTrackerStore
    from assistant.settings import get_settings

    get_settings.cache_clear()
    store = SettingsSQLTrackerStore(domain=domain())
    clock = Clock()

    async def run() -> Tuple[List[float], List[float]]:
        wall, cpu = [], []
        for number in range(turns):
            start, start_cpu = time.perf_counter(), time.process_time()
            await turn(store, "parent-1", number, clock)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        return wall, cpu

    try:
        return asyncio.run(run())
    finally:
        store.engine.dispose()


def windows(turns: int) -> Iterator[range]:
    """Turns 1-10, 91-100, 191-200, ... and the last ten (0-based ranges)."""
    yield range(0, min(10, turns))
    for end in range(100, turns, 100):
        yield range(end - 10, end)
    if turns > 10:
        yield range(turns - 10, turns)


def summary(times: Sequence[float]) -> Dict[str, float]:
    return {f"{w.start + 1}-{w.stop}": statistics.median(times[i] for i in w) for w in windows(len(times))}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tracker_turns", description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--cache-size", type=int, default=64, help="the cache size of the 'after' run")
    parser.add_argument("--json", action="store_true", help="print one line of JSON instead of a table")
    args = parser.parse_args(argv)
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    runs: Dict[str, Dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="crs-turns-") as tmp:
        for name, size in (("off", 0), (str(args.cache_size), args.cache_size)):
            wall, cpu = timed_turns(size, args.turns, Path(tmp))
            runs[f"cache {name}"], runs[f"cache {name} CPU"] = summary(wall), summary(cpu)
    if args.json:
        print(json.dumps(runs))
        return 0
    names = list(runs)
    print(f"median ms per turn (retrieve + log + save), one sender, {args.turns} turns, SQLite;")
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"wall clock, and this process's CPU time; load average at the end {load}")
    print(f"{'turns':>10} " + " ".join(f"{n:>16}" for n in names))
    for window in runs[names[0]]:
        print(f"{window:>10} " + " ".join(f"{runs[n][window]:16.2f}" for n in names))
    first, last = list(runs[names[0]])[0], list(runs[names[0]])[-1]
    print(f"{'last/first':>10} " + " ".join(f"{runs[n][last] / runs[n][first]:16.2f}" for n in names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
