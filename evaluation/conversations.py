"""Multi-turn and multi-answer sets: the whole assistant (NLU, policies, replies) turn by turn.

Three formats under `tests/data/conversation/`, told apart by their keys:
- `conversations:` (follow-ups): each turn's `expect` is a topic key, `not_in_source` or
  `urgent`; a turn is right when the bot's first answer is that (or one of `also`);
- `cases:` whose `expect` is a list of two keys (two questions): right when the turn's FAQ
  answers are exactly those two, in that order (or one of the `also` pairs);
- `cases:` whose `expect` is one label (questions just outside the article, with inside
  controls): right for `not_in_source` when the reply says the source does not cover it
  (`utter_not_in_source`, the general `utter_out_of_scope`, or the medicine-question
  reply); else as a follow-up turn.
Every turn's replies must also name the care team: a turn without it is wrong whatever it
answered.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import yaml

from assistant.faq_context import topic_key
from assistant.names import NOT_IN_SOURCE_INTENT, NOT_IN_SOURCE_RESPONSE, URGENT_RESPONSE
from evaluation.report import wilson

ROOT = Path(__file__).resolve().parent.parent
CONVERSATION_SETS = ROOT / "tests" / "data" / "conversation"
HONEST = (NOT_IN_SOURCE_RESPONSE, "utter_out_of_scope", "utter_medicine_dose")


@dataclass(frozen=True)
class Turn:
    text: str
    expect: Tuple[str, ...]  # one label, or the two keys of a two-question message
    also: Tuple[Tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Conversation:
    kind: str
    turns: Tuple[Turn, ...]


@dataclass
class TurnResult:
    turn: Turn
    got: Tuple[str, ...]  # the replies' labels: topic keys, not_in_source, urgent, or names
    care_team: bool
    right: bool


@dataclass
class ConversationResult:
    conversation: Conversation
    turns: List[TurnResult] = field(default_factory=list)

    @property
    def right(self) -> bool:
        return all(t.right for t in self.turns)


def _labels(value: Any) -> Tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)


def load_conversations(path: Path) -> List[Conversation]:
    """Every set format as conversations (a single message is a one-turn conversation)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if "conversations" in data:
        return [
            Conversation(
                str(item.get("kind") or "other"),
                tuple(
                    Turn(str(t["text"]), _labels(t["expect"]), tuple(_labels(a) for a in t.get("also") or ()))
                    for t in item["turns"]
                ),
            )
            for item in data["conversations"]
        ]
    conversations = []
    for item in data.get("cases") or []:
        also = item.get("also") or ()
        pairs = (
            tuple(_labels(a) for a in also)
            if isinstance(item["expect"], list)
            else tuple((str(a),) for a in also)
        )
        conversations.append(
            Conversation(
                str(item.get("kind") or "other"), (Turn(str(item["text"]), _labels(item["expect"]), pairs),)
            )
        )
    return conversations


def reply_label(utter_action: Optional[str]) -> str:
    key = topic_key(utter_action)
    if key:
        return key
    if utter_action == URGENT_RESPONSE:
        return "urgent"
    if utter_action in HONEST:
        return NOT_IN_SOURCE_INTENT
    return str(utter_action)


def judge(turn: Turn, got: Sequence[str], care_team: bool) -> bool:
    if not care_team:
        return False
    accepted = [turn.expect, *turn.also]
    if len(turn.expect) == 2:
        answers = tuple(g for g in got if g not in ("urgent",))
        return any(answers == pair for pair in accepted)
    return bool(got) and any(got[0] == labels[0] for labels in accepted)


def replies_of(messages: Sequence[Mapping[str, Any]]) -> Tuple[Tuple[str, ...], bool]:
    labels = tuple(reply_label(m.get("utter_action")) for m in messages)
    text = " ".join(str(m.get("text") or "") for m in messages).lower()
    return labels, "care team" in text


def run_conversations(
    model: Path, sets: Dict[str, List[Conversation]]
) -> Dict[str, List[ConversationResult]]:
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # Rasa's per-event debug lines would bury the figures

    agent = Agent.load(
        str(model), generator=EndpointConfig(type="assistant.plugins.nlg.SettingsResponseGenerator")
    )
    loop = asyncio.new_event_loop()

    async def one(conversation: Conversation) -> ConversationResult:
        sender = uuid.uuid4().hex
        result = ConversationResult(conversation)
        for turn in conversation.turns:
            channel = CollectingOutputChannel()
            await agent.handle_message(UserMessage(turn.text, channel, sender))
            tracker = await agent.tracker_store.retrieve(sender)
            assert tracker is not None
            messages = _turn_messages(tracker.events)
            got, care_team = replies_of(messages)
            result.turns.append(TurnResult(turn, got, care_team, judge(turn, got, care_team)))
        return result

    try:
        return {name: [loop.run_until_complete(one(c)) for c in items] for name, items in sets.items()}
    finally:
        loop.close()


def _turn_messages(events: Sequence[Any]) -> List[Dict[str, Any]]:
    """The bot messages after the latest user message, with their response names."""
    found: List[Dict[str, Any]] = []
    for event in reversed(events):
        if getattr(event, "type_name", "") == "user":
            break
        if getattr(event, "type_name", "") == "bot":
            found.append({"text": event.text, "utter_action": (event.metadata or {}).get("utter_action")})
    return found[::-1]


def figures(results: Sequence[ConversationResult]) -> Dict[str, Any]:
    """Right turns per kind (the turns after the first in a conversation set: the follow-ups)."""
    per_kind: Dict[str, List[int]] = {}
    for result in results:
        turns = result.turns[1:] if len(result.turns) > 1 else result.turns
        counts = per_kind.setdefault(result.conversation.kind, [0, 0])
        counts[0] += sum(t.right for t in turns)
        counts[1] += len(turns)
    total = [sum(c[0] for c in per_kind.values()), sum(c[1] for c in per_kind.values())]
    return {kind: _count(*counts) for kind, counts in sorted({**per_kind, "all": total}.items())}


def _count(right: int, total: int) -> Dict[str, Any]:
    low, high = wilson(right, total) if total else (0.0, 0.0)
    return {"right": right, "total": total, "ci95": [round(low, 3), round(high, 3)]}


def render(name: str, results: Sequence[ConversationResult]) -> str:
    lines = [f"=== {name}"]
    for kind, count in figures(results).items():
        low, high = count["ci95"]
        lines.append(f"  {kind:28} {count['right']:3}/{count['total']:<3} (95% CI {low:.0%}-{high:.0%})")
    for result in results:
        for index, turn in enumerate(result.turns):
            if not turn.right:
                lines.append(
                    f"  miss [{result.conversation.kind} turn {index + 1}] {turn.turn.text!r}: "
                    f"expected {'+'.join(turn.turn.expect)}, got {'+'.join(turn.got) or 'nothing'}"
                    + ("" if turn.care_team else " (no care team)")
                )
    return "\n".join(lines)


def conversation_sets(directory: Path = CONVERSATION_SETS) -> Dict[str, Path]:
    return {path.stem: path for path in sorted(directory.glob("*.yml"))}
