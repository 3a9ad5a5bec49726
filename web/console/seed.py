"""Fill a database with realistic Rasa conversations, for trying the console at scale.

    python -m web.console.seed --database-url URL --conversations 100000 [--days 365]
                               [--seed 7] [--batch 5000] [--end 2025-06-01] [--append]

Writes only Rasa's ``events`` table (created if missing, with the columns of Rasa's
SQLTrackerStore), never the console's tables. Each conversation is what the bot's rules
make of a parent's messages: ``action_session_start``, ``session_started``,
``action_listen``, then per turn the parent's message (parse data with the intent, its
ranking and the response selector's answer), the action the rules pick, the reply
from ``domain.yml`` and ``action_listen``. The parents' texts are the training examples
of ``data/nlu`` with light variation: lower case, typos, a child's first name, now and
then a phone number or a hospital, so the redaction has work to do. About 10 events a
conversation, started over the last ``--days`` days with a daily rhythm (evenings and
nights are busiest), interleaved by time as Rasa writes them.

The same ``--seed`` and ``--end`` give the same rows. PostgreSQL is filled with ``COPY``,
other databases with batched inserts. Refuses a database that already has events unless
``--append`` is given: this is test data and must never be mixed into real conversations
by mistake.
"""

from __future__ import annotations

import argparse
import bisect
import heapq
import io
import json
import random
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Connection, Engine, func, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from assistant.names import (
    EMERGENCY_LEVEL,
    FALLBACK_INTENT,
    FAQ_INTENT,
    FEEDBACK_ENTITY,
    FEEDBACK_INTENT,
    MEDICINE_INTENT,
    OUT_OF_SCOPE_INTENT,
    URGENCY_SLOT,
    URGENT_INTENT,
    URGENT_LEVEL,
    URGENT_RESPONSE,
    feedback_command,
)
from assistant.settings import PROJECT_ROOT
from assistant.topics import TOPIC_TITLES
from web.console.db import make_engine
from web.console.tables import events, rasa_metadata

DAY = 86400
MAX_CONVERSATIONS = 10_000_000
MAX_DAYS = 3650
MAX_BATCH = 100_000
COLUMNS = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")
Row = tuple[str, str, float, str | None, str | None, str]

# Rasa's own names (not in the domain's rules): the session's first action, the action
# that waits for the parent, the core fallback, and the replies of the custom actions
# (actions/logic.py feedback_response, actions/fallback.py). test_seed checks each reply
# exists in domain.yml.
SESSION_START = "action_session_start"
ACTION_LISTEN = "action_listen"
CORE_FALLBACK = "action_default_fallback"
FALLBACK_REPLY = "utter_ask_affirmation"
CORE_FALLBACK_REPLY = "utter_default"
FEEDBACK_REPLIES = {"up": "utter_feedback_up", "down": "utter_feedback_down"}
ASSISTANT_ID = "crs-faq-assistant"

# Per hour of the day (UTC, read as the parents' local time): evenings and nights are busiest.
HOUR_WEIGHTS = (
    1.3, 1.2, 1.0, 0.8, 0.5, 0.4, 0.5, 0.7, 0.8, 0.9, 0.9, 0.9,
    0.9, 0.9, 0.9, 0.9, 1.0, 1.0, 1.1, 1.3, 1.5, 1.7, 1.7, 1.5,
)  # fmt: skip
WEEKEND_WEIGHT = 0.85
# Parent turns per conversation (1..6); with the session's 3 events and 4 per turn
# (plus slot and loop events) about 10 events a conversation.
TURN_WEIGHTS = (0.56, 0.22, 0.11, 0.06, 0.03, 0.02)
# What a parent's message is about (not the first or last turn's small talk).
CONTENT_MIX = (
    (FAQ_INTENT, 0.765),
    (OUT_OF_SCOPE_INTENT, 0.05),
    (FALLBACK_INTENT, 0.05),
    (URGENT_INTENT, 0.03),
    (MEDICINE_INTENT, 0.025),
    ("express_feelings", 0.025),
    ("ask_for_help", 0.01),
    ("what_can_you_do", 0.015),
    ("bot_challenge", 0.01),
    ("greet", 0.01),
    ("thank", 0.01),
)
P_GREET_FIRST = 0.15
P_CLOSING = 0.2  # last of several turns is "thanks" (3 in 4) or "bye"
P_FEEDBACK = 0.14  # after an FAQ answer, a thumbs up or down
P_THUMBS_DOWN = 0.3
P_TYPED_FEEDBACK = 0.1  # "not helpful" typed instead of a thumb
P_LOW_CONFIDENCE = 0.07  # FAQ answered with an unsure response selector (< 0.6)
P_CORE_FALLBACK = 0.01  # FAQ where the policy gives up (action_default_fallback)
P_TAP_AFTER_FALLBACK = 0.5  # after the fallback's buttons, the parent taps one
P_RETURN = 0.04  # the sender comes back later for a second session

BOYS = ("Liam", "Noah", "Oliver", "Elijah", "James", "Lucas", "Mason", "Ethan", "Logan", "Jacob",
        "Aiden", "Mateo", "Leo", "Caleb", "Owen", "Wyatt", "Jayden", "Isaac", "Theo", "Carlos")  # fmt: skip
GIRLS = ("Olivia", "Emma", "Ava", "Sophia", "Isabella", "Mia", "Amelia", "Harper", "Ella", "Aria",
         "Chloe", "Lily", "Zoe", "Nora", "Layla", "Grace", "Maya", "Isla", "Sofia", "Priya")  # fmt: skip
SURNAMES = ("Smith", "Johnson", "Garcia", "Miller", "Davis", "Martinez", "Nguyen", "Patel", "Kim", "Brown")
HOSPITALS = ("Boston Children's Hospital", "St. Jude", "Lurie Children's", "CHOP", "Seattle Children's")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
VAGUE = ("ok", "hmm", "?", "and then", "what about the other thing", "idk", "huh", "so",
         "what do u mean", "ok but", "ya", "the thing from before", "more", "wait what")  # fmt: skip
KEYBOARD = "qwertyuiopasdfghjklzxcvbnm"


# ------------------------------------------------------------------------ the corpus
@dataclass(frozen=True)
class Reply:
    text: str
    buttons: list[dict[str, str]] | None
    custom: dict[str, Any] | None
    condition: str | None  # the urgency_level a variation needs, if any
    template: str  # the unfilled text (what the response selector returns)


@dataclass(frozen=True)
class Corpus:
    """Parents' example texts per intent (``faq/<key>`` for FAQ topics), the domain's
    replies, and which action the rules run for each intent."""

    examples: dict[str, list[str]]
    feedback_examples: dict[str, list[str]]  # typed ratings by the value they carry
    replies: dict[str, list[Reply]]
    rule_actions: dict[str, str]
    faq_keys: list[str]
    intents: list[str]


_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))")
_FEEDBACK_VALUE = re.compile(r'"entity":\s*"' + re.escape(FEEDBACK_ENTITY) + r'",\s*"value":\s*"(\w+)"')
_SLOT = re.compile(r"\{(\w+)\}")


def _read_yaml(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


def load_corpus(root: Path = PROJECT_ROOT) -> Corpus:
    """The training examples, replies and rules the conversations are made of."""
    nlu_dir = root / "data" / "nlu"
    if not nlu_dir.is_dir():
        raise FileNotFoundError(f"no training data at {nlu_dir}")
    examples: dict[str, list[str]] = {}
    feedback_examples: dict[str, list[str]] = {}
    for path in sorted(nlu_dir.glob("*.yml")):
        for block in _read_yaml(path).get("nlu") or []:
            if not isinstance(block, dict) or "intent" not in block:
                continue
            lines = [line.strip()[2:] for line in str(block.get("examples") or "").splitlines()]
            for line in lines:
                text = _ANNOTATION.sub(r"\1", line).strip()
                if not text:
                    continue
                examples.setdefault(str(block["intent"]), []).append(text)
                value = _FEEDBACK_VALUE.search(line)
                if block["intent"] == FEEDBACK_INTENT and value:
                    feedback_examples.setdefault(value.group(1), []).append(text)
    domain = _read_yaml(root / "domain.yml")
    slots = domain.get("slots") or {}
    values = {name: str((slots.get(name) or {}).get("initial_value") or "") for name in slots}
    replies: dict[str, list[Reply]] = {}
    for name, variations in (domain.get("responses") or {}).items():
        for variation in variations or []:
            template = " ".join(str(variation.get("text") or "").split())
            condition = next(
                (
                    str(c.get("value"))
                    for c in variation.get("condition") or []
                    if c.get("name") == URGENCY_SLOT
                ),
                None,
            )
            reply = Reply(
                text=_SLOT.sub(lambda m: values.get(m.group(1), m.group(0)), template),
                buttons=variation.get("buttons"),
                custom=variation.get("custom"),
                condition=condition,
                template=template,
            )
            replies.setdefault(str(name), []).append(reply)
    rule_actions: dict[str, str] = {}
    for path in sorted((root / "data" / "rules").glob("*.yml")):
        for rule in _read_yaml(path).get("rules") or []:
            steps = rule.get("steps") or []
            if len(steps) >= 2 and "intent" in steps[0] and "action" in steps[1]:
                rule_actions.setdefault(str(steps[0]["intent"]), str(steps[1]["action"]))
    prefix = f"{FAQ_INTENT}/"
    faq_keys = sorted(i[len(prefix) :] for i in examples if i.startswith(prefix))
    faq_keys = [k for k in faq_keys if f"utter_{FAQ_INTENT}/{k}" in replies]
    if not faq_keys:
        raise ValueError("no FAQ topics with both training examples and a reply")
    intents = [str(i) for i in domain.get("intents") or [] if isinstance(i, str)]
    needed = [i for i, _ in CONTENT_MIX if i not in (FAQ_INTENT, FALLBACK_INTENT)] + ["goodbye"]
    missing = [i for i in needed if not examples.get(i) or i not in rule_actions]
    missing += [i for i in (FALLBACK_INTENT, FEEDBACK_INTENT) if i not in rule_actions]
    missing += [r for r in (URGENT_RESPONSE, FALLBACK_REPLY, CORE_FALLBACK_REPLY, *FEEDBACK_REPLIES.values())
                if r not in replies]  # fmt: skip
    if missing:
        raise ValueError(f"training data, rules or domain lack: {', '.join(sorted(set(missing)))}")
    return Corpus(examples, feedback_examples, replies, rule_actions, faq_keys, intents)


# ------------------------------------------------------------------- the conversations
class _Maker:
    """Makes one conversation's event rows; all randomness from one ``random.Random``."""

    def __init__(self, corpus: Corpus, rng: random.Random) -> None:
        self.corpus = corpus
        self.rng = rng
        self.model_id = f"{rng.getrandbits(128):032x}"
        self.metadata = {"model_id": self.model_id, "assistant_id": ASSISTANT_ID}
        self.content_intents = [i for i, _ in CONTENT_MIX]
        self.content_cum = _cumulative([w for _, w in CONTENT_MIX])
        self.turn_cum = _cumulative(TURN_WEIGHTS)
        self.other_intents = [i for i in corpus.intents if i != FAQ_INTENT] + [FAQ_INTENT]

    # -- rows, shaped as Rasa's SQLTrackerStore writes them (data = event.as_dict()) -----
    def _row(self, sender: str, kind: str, ts: float, data: dict[str, Any], intent: str | None = None,
             action: str | None = None) -> Row:  # fmt: skip
        return (sender, kind, ts, intent, action, json.dumps(data))

    def action(self, sender: str, ts: float, name: str, policy: str | None = "RulePolicy") -> Row:
        data = {
            "event": "action", "timestamp": ts, "metadata": self.metadata, "name": name,
            "policy": policy, "confidence": 1.0 if policy else None, "action_text": None,
            "hide_rule_turn": policy == "RulePolicy" and name != ACTION_LISTEN,
        }  # fmt: skip
        return self._row(sender, "action", ts, data, action=name)

    def session(self, sender: str, ts: float) -> list[Row]:
        started = {"event": "session_started", "timestamp": ts + 0.001, "metadata": self.metadata}
        return [
            self.action(sender, ts, SESSION_START, policy=None),
            self._row(sender, "session_started", ts + 0.001, started),
            self.action(sender, ts + 0.002, ACTION_LISTEN, policy=None),
        ]

    def bot(self, sender: str, ts: float, utter_action: str, reply: Reply,
            buttons: list[dict[str, str]] | None = None) -> Row:  # fmt: skip
        data = {
            "event": "bot", "timestamp": ts,
            "metadata": {"utter_action": utter_action, **self.metadata},
            "text": reply.text,
            "data": {"elements": None, "quick_replies": None, "buttons": buttons or reply.buttons,
                     "attachment": None, "image": None, "custom": reply.custom},
        }  # fmt: skip
        return self._row(sender, "bot", ts, data)

    def user(self, sender: str, ts: float, text: str, intent: str, confidence: float,
             faq_key: str | None, faq_confidence: float, entities: list[dict[str, Any]] | None = None,
             metadata: dict[str, Any] | None = None) -> Row:  # fmt: skip
        rng = self.rng
        tokens, position = [], 0
        for word in text.split():
            start = text.index(word, position)
            position = start + len(word)
            tokens.append([start, position])
        intent_info: dict[str, Any] = {"name": intent, "confidence": confidence}
        if intent == FAQ_INTENT and faq_key:
            intent_info["full_retrieval_intent_name"] = f"{FAQ_INTENT}/{faq_key}"
        others = [i for i in self.other_intents if i != intent]
        ranking = [{"name": intent, "confidence": confidence}]
        names = rng.sample(others, min(9, len(others)))
        shares = _shares(rng, 1 - confidence, len(names))
        ranking += [{"name": n, "confidence": c} for n, c in zip(names, shares, strict=True)]
        keys = self.corpus.faq_keys
        chosen = faq_key or rng.choice(keys)
        selector_confidence = faq_confidence if faq_key else round(rng.uniform(0.2, 0.9), 6)
        answer = self.corpus.replies[f"utter_{FAQ_INTENT}/{chosen}"][0]
        response_ranking = [
            {"confidence": selector_confidence, "intent_response_key": f"{FAQ_INTENT}/{chosen}"}
        ]
        runners = rng.sample([k for k in keys if k != chosen], min(9, len(keys) - 1))
        shares = _shares(rng, 1 - selector_confidence, len(runners))
        response_ranking += [
            {"confidence": c, "intent_response_key": f"{FAQ_INTENT}/{k}"}
            for k, c in zip(runners, shares, strict=True)
        ]
        parse_data = {
            "intent": intent_info,
            "entities": entities or [],
            "text": text,
            "message_id": f"{rng.getrandbits(128):032x}",
            "metadata": metadata or {},
            "text_tokens": tokens,
            "intent_ranking": ranking,
            "response_selector": {
                "all_retrieval_intents": [FAQ_INTENT],
                "default": {"response": {"responses": None, "confidence": 0.0, "intent_response_key": None,
                                         "utter_action": "utter_None"}, "ranking": []},
                FAQ_INTENT: {
                    "response": {
                        "responses": [{"text": answer.template, "buttons": answer.buttons}],
                        "confidence": selector_confidence,
                        "intent_response_key": f"{FAQ_INTENT}/{chosen}",
                        "utter_action": f"utter_{FAQ_INTENT}/{chosen}",
                    },
                    "ranking": response_ranking,
                },
            },
        }  # fmt: skip
        data = {
            "event": "user", "timestamp": ts, "metadata": {**self.metadata, **(metadata or {})},
            "text": text, "parse_data": parse_data, "input_channel": "rest",
            "message_id": parse_data["message_id"],
        }  # fmt: skip
        return self._row(sender, "user", ts, data, intent=intent)

    # -- what a parent says -------------------------------------------------------------
    def text_of(self, intent: str) -> str:
        text = self.rng.choice(self.corpus.examples[intent])
        return self.vary(text, personal=intent in (FAQ_INTENT, URGENT_INTENT, MEDICINE_INTENT)
                         or intent.startswith(f"{FAQ_INTENT}/"))  # fmt: skip

    def vary(self, text: str, personal: bool) -> str:
        rng = self.rng
        if rng.random() < 0.35:
            text = text.lower()
        if rng.random() < 0.2:
            text = text.rstrip("?.! ")
        if rng.random() < 0.15:
            text = _typo(rng, text)
        if personal and rng.random() < 0.14:
            text = self.personal(text)
        if rng.random() < 0.012:
            text = self.contact(text)
        return text

    def personal(self, text: str) -> str:
        rng = self.rng
        boy = rng.random() < 0.5
        name = rng.choice(BOYS if boy else GIRLS)
        child = "son" if boy else "daughter"
        age = rng.randint(2, 17)
        templates = (
            f"my {child} {name} had car t last week, {text}",
            f"my {child} {name} is on blincyto. {text}",
            f"{text} asking for my {child} {name}",
            f"{text}, {name} is {age}",
            f"hi this is {rng.choice(GIRLS + BOYS)}, {name}'s {rng.choice(('mum', 'mum', 'dad'))}. {text}",
            f"{name} started kymriah on {rng.choice(WEEKDAYS)}. {text}",
            f"{text} ({name} {rng.choice(SURNAMES)}, age {age})",
        )
        return rng.choice(templates)

    def contact(self, text: str) -> str:
        rng = self.rng
        options = (
            f"{text} you can call me on 617-555-{rng.randint(1000, 9999)}",
            f"{text} we are at {rng.choice(HOSPITALS)}",
            f"{text} my email is {rng.choice(GIRLS).lower()}.{rng.choice(SURNAMES).lower()}@example.com",
            f"{text}, we live at {rng.randint(1, 999)} Maple Street",
        )
        return rng.choice(options)

    def gibberish(self) -> str:
        rng = self.rng
        if rng.random() < 0.4:
            return rng.choice(VAGUE)
        if rng.random() < 0.5:
            words = [
                "".join(rng.choice(KEYBOARD) for _ in range(rng.randint(3, 7)))
                for _ in range(rng.randint(1, 4))
            ]
            return " ".join(words)
        text = rng.choice(self.corpus.examples[f"{FAQ_INTENT}/{rng.choice(self.corpus.faq_keys)}"])
        for _ in range(3):
            text = _typo(rng, text)
        return text.lower()

    # -- one conversation -----------------------------------------------------------------
    def conversation(self, sender: str, start: float, end: float) -> list[Row]:
        rng = self.rng
        rows = self.session(sender, start)
        clock = start + rng.uniform(2, 40)
        clock = self.turns(rows, sender, clock, _pick(rng, self.turn_cum) + 1, first=True)
        if rng.random() < P_RETURN:
            again = clock + rng.uniform(2 * 3600, 3 * DAY)
            if again + 3600 < end:
                rows += self.session(sender, again)
                self.turns(rows, sender, again + rng.uniform(2, 40), rng.randint(1, 2), first=False)
        return rows

    def turns(self, rows: list[Row], sender: str, clock: float, count: int, first: bool) -> float:
        rng = self.rng
        last_faq: str | None = None
        fallback_buttons: list[str] = []
        for turn in range(count):
            if turn:
                clock += rng.uniform(15, 240) if rng.random() < 0.9 else rng.uniform(600, 3600)
            if last_faq and rng.random() < P_FEEDBACK:
                self.feedback_turn(rows, sender, clock)
                last_faq = None
                continue
            if fallback_buttons and rng.random() < P_TAP_AFTER_FALLBACK:
                key = rng.choice(fallback_buttons)
                self.faq_turn(rows, sender, clock, TOPIC_TITLES[key], key, tapped=True)
                fallback_buttons, last_faq = [], key
                continue
            fallback_buttons, last_faq = [], None
            if first and turn == 0 and rng.random() < P_GREET_FIRST:
                intent = "greet"
            elif count > 1 and turn == count - 1 and rng.random() < P_CLOSING:
                intent = "thank" if rng.random() < 0.75 else "goodbye"
            else:
                intent = self.content_intents[_pick(rng, self.content_cum)]
            if intent == FAQ_INTENT:
                key = rng.choice(self.corpus.faq_keys)
                last_faq = self.faq_turn(rows, sender, clock, self.text_of(f"{FAQ_INTENT}/{key}"), key)
            elif intent == FALLBACK_INTENT:
                fallback_buttons = self.fallback_turn(rows, sender, clock)
            else:
                self.simple_turn(rows, sender, clock, intent)
        return clock

    def _answer(self, rows: list[Row], sender: str, ts: float, action: str, reply_name: str,
                reply: Reply | None = None, buttons: list[dict[str, str]] | None = None) -> None:  # fmt: skip
        chosen = reply or self.rng.choice(self.corpus.replies[reply_name])
        rows.append(self.action(sender, ts + 0.05, action))
        rows.append(self.bot(sender, ts + 0.06, reply_name, chosen, buttons))
        rows.append(self.action(sender, ts + 0.07, ACTION_LISTEN))

    def faq_turn(
        self, rows: list[Row], sender: str, ts: float, text: str, key: str, tapped: bool = False
    ) -> str | None:
        rng = self.rng
        confidence = round(rng.uniform(0.9, 0.999), 6)
        if tapped:
            answer_confidence = round(rng.uniform(0.9, 0.995), 6)
        elif rng.random() < P_LOW_CONFIDENCE:
            answer_confidence = round(rng.uniform(0.3, 0.6), 6)
            confidence = round(rng.uniform(0.45, 0.8), 6)
        else:
            answer_confidence = round(min(0.999, rng.betavariate(8, 1.2)), 6)
        rows.append(self.user(sender, ts, text, FAQ_INTENT, confidence, key, answer_confidence))
        if not tapped and rng.random() < P_CORE_FALLBACK:
            self._answer(rows, sender, ts, CORE_FALLBACK, CORE_FALLBACK_REPLY)
            return None
        rows.append(self.action(sender, ts + 0.05, f"utter_{FAQ_INTENT}"))
        reply = self.corpus.replies[f"utter_{FAQ_INTENT}/{key}"][0]
        rows.append(self.bot(sender, ts + 0.06, f"utter_{FAQ_INTENT}/{key}", reply))
        rows.append(self.action(sender, ts + 0.07, ACTION_LISTEN))
        return key

    def simple_turn(self, rows: list[Row], sender: str, ts: float, intent: str) -> None:
        rng = self.rng
        text = self.text_of(intent)
        confidence = round(rng.uniform(0.7, 0.999), 6)
        rows.append(self.user(sender, ts, text, intent, confidence, None, 0.0))
        action = self.corpus.rule_actions[intent]
        reply = None
        if action == URGENT_RESPONSE:
            emergency = re.search(r"breath|seizure|fit\b|wake|passed out|floppy|zoning", text.lower())
            level = EMERGENCY_LEVEL if emergency else URGENT_LEVEL
            options = self.corpus.replies[URGENT_RESPONSE]
            reply = next((r for r in options if r.condition == level), None) or next(
                r for r in options if r.condition is None
            )
        self._answer(rows, sender, ts, action, action, reply)

    def fallback_turn(self, rows: list[Row], sender: str, ts: float) -> list[str]:
        rng = self.rng
        text = self.gibberish()
        rows.append(self.user(sender, ts, text, FALLBACK_INTENT, 0.4, None, 0.0))
        action = self.corpus.rule_actions[FALLBACK_INTENT]
        keys = rng.sample(self.corpus.faq_keys, 3)
        buttons = [{"title": TOPIC_TITLES[k], "payload": TOPIC_TITLES[k]} for k in keys if k in TOPIC_TITLES]
        rows.append(self.action(sender, ts + 0.05, action))
        loop = {"event": "active_loop", "timestamp": ts + 0.051, "metadata": self.metadata, "name": action}
        rows.append(self._row(sender, "active_loop", ts + 0.051, loop))
        reply = rng.choice(self.corpus.replies[FALLBACK_REPLY])
        rows.append(self.bot(sender, ts + 0.06, FALLBACK_REPLY, reply, buttons))
        rows.append(self.action(sender, ts + 0.07, ACTION_LISTEN))
        return [k for k in keys if k in TOPIC_TITLES]

    def feedback_turn(self, rows: list[Row], sender: str, ts: float) -> None:
        rng = self.rng
        value = "down" if rng.random() < P_THUMBS_DOWN else "up"
        typed = self.corpus.feedback_examples.get(value, [])
        metadata: dict[str, Any] | None = None
        if typed and rng.random() < P_TYPED_FEEDBACK:
            text = rng.choice(typed)
            confidence = round(rng.uniform(0.8, 0.99), 6)
        else:
            text = feedback_command(value)
            confidence = 1.0
            metadata = {"rated_message_id": f"{rng.getrandbits(128):032x}"}
        entity = {"entity": FEEDBACK_ENTITY, "value": value, "start": 0, "end": len(text),
                  "extractor": "RegexEntityExtractor" if confidence < 1 else None}  # fmt: skip
        rows.append(self.user(sender, ts, text, FEEDBACK_INTENT, confidence, None, 0.0, [entity], metadata))
        action = self.corpus.rule_actions[FEEDBACK_INTENT]
        rows.append(self.action(sender, ts + 0.05, action))
        reply_name = FEEDBACK_REPLIES[value]
        rows.append(self.bot(sender, ts + 0.3, reply_name, self.corpus.replies[reply_name][0]))
        slot = {"event": "slot", "timestamp": ts + 0.301, "metadata": self.metadata, "name": FEEDBACK_ENTITY,
                "value": value}  # fmt: skip
        rows.append(self._row(sender, "slot", ts + 0.301, slot))
        rows.append(self.action(sender, ts + 0.31, ACTION_LISTEN))


def _cumulative(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    return min(bisect.bisect(cumulative, rng.random() * cumulative[-1]), len(cumulative) - 1)


def _shares(rng: random.Random, total: float, count: int) -> list[float]:
    """``count`` decreasing confidences summing to ``total``."""
    if count <= 0:
        return []
    raw = sorted((rng.random() ** 3 for _ in range(count)), reverse=True)
    scale = total / (sum(raw) or 1.0)
    return [round(r * scale, 6) for r in raw]


def _typo(rng: random.Random, text: str) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:-1])
    kind = rng.randrange(4)
    if kind == 0:  # swap with the next character
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind == 1:  # drop
        return text[:i] + text[i + 1 :]
    if kind == 2:  # double
        return text[:i] + text[i] + text[i:]
    return text[:i] + rng.choice(KEYBOARD) + text[i + 1 :]  # a neighbour key, roughly


def _start_times(rng: random.Random, count: int, days: int, end: float) -> list[float]:
    """``count`` sorted start times in [end - days, end) with the daily and weekly rhythm."""
    window_start = end - days * DAY
    first_day = int(window_start // DAY)
    day_weights = []
    for offset in range(days + 1):
        weekday = datetime.fromtimestamp((first_day + offset) * DAY, UTC).weekday()
        day_weights.append(WEEKEND_WEIGHT if weekday >= 5 else 1.0)
    day_cum, hour_cum = _cumulative(day_weights), _cumulative(HOUR_WEIGHTS)
    times: list[float] = []
    while len(times) < count:
        day = first_day + _pick(rng, day_cum)
        ts = day * DAY + _pick(rng, hour_cum) * 3600 + rng.random() * 3600
        if window_start <= ts < end - 3600:  # room for the conversation itself
            times.append(round(ts, 3))
    times.sort()
    return times


def generate(
    conversations: int, days: int = 365, seed: int = 7, end: float | None = None, corpus: Corpus | None = None
) -> Iterator[Row]:
    """The event rows of ``conversations`` conversations, in time order (as Rasa appends
    them: conversations that overlap are interleaved). Deterministic for ``seed`` and ``end``."""
    end = default_end() if end is None else end
    corpus = corpus or load_corpus()
    rng = random.Random(seed)
    maker = _Maker(corpus, rng)
    starts = _start_times(rng, conversations, days, end)
    pending: list[tuple[float, int, Row]] = []
    order = 0
    for start in starts:
        while pending and pending[0][0] <= start:
            yield heapq.heappop(pending)[2]
        sender = f"{rng.getrandbits(128):032x}"
        for row in maker.conversation(sender, start, end):
            heapq.heappush(pending, (row[2], order, row))
            order += 1
    while pending:
        yield heapq.heappop(pending)[2]


def default_end() -> float:
    """The start of the current UTC hour: the same rows for the same seed within an hour."""
    return float(int(time.time()) // 3600 * 3600)


# ------------------------------------------------------------------------ the database
def create_events_table(conn: Connection) -> None:
    """The table Rasa's SQLTrackerStore creates (same columns), if it is missing."""
    rasa_metadata.create_all(conn, tables=[events], checkfirst=True)


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, float):
        return repr(value)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _write_copy(conn: Connection, rows: list[Row]) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_text(v) for v in row))
        buffer.write("\n")
    buffer.seek(0)
    cursor: Any = conn.connection.cursor()  # psycopg2's, for copy_expert
    try:
        cursor.copy_expert(f"COPY events ({', '.join(COLUMNS)}) FROM STDIN", buffer)
    finally:
        cursor.close()


def _write_insert(conn: Connection, rows: list[Row]) -> None:
    conn.execute(insert(events), [dict(zip(COLUMNS, row, strict=True)) for row in rows])


def _write_sqlite(conn: Connection, rows: list[Row]) -> None:
    marks = ", ".join("?" for _ in COLUMNS)
    conn.exec_driver_sql(f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({marks})", rows)


@dataclass
class SeedResult:
    conversations: int
    events: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


def seed_events(
    engine: Engine,
    conversations: int,
    days: int = 365,
    seed: int = 7,
    batch: int = 5000,
    end: float | None = None,
    append: bool = False,
    progress: Callable[[int, int, float], None] | None = None,
) -> SeedResult:
    """Insert the rows of ``generate`` into ``engine``'s ``events`` table, ``batch`` rows per
    transaction. ``progress(sessions_written, events_written, seconds)`` is called per batch."""
    _check_numbers(conversations, days, batch)
    corpus = load_corpus()
    with engine.begin() as conn:
        create_events_table(conn)
        existing = conn.execute(select(func.count()).select_from(events)).scalar() or 0
    if existing and not append:
        raise ValueError(f"the events table already holds {existing} events; pass --append to add to them")
    writers = {"postgresql": _write_copy, "sqlite": _write_sqlite}
    write = writers.get(engine.dialect.name, _write_insert)
    began = time.perf_counter()
    written = sessions = 0
    pending: list[Row] = []

    def flush() -> None:
        nonlocal written
        with engine.begin() as conn:
            write(conn, pending)
        written += len(pending)
        pending.clear()
        if progress:
            progress(sessions, written, time.perf_counter() - began)

    for row in generate(conversations, days, seed, end, corpus):
        sessions += row[1] == "session_started"
        pending.append(row)
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return SeedResult(conversations, written, time.perf_counter() - began)


def _check_numbers(conversations: int, days: int, batch: int) -> None:
    if not 1 <= conversations <= MAX_CONVERSATIONS:
        raise ValueError(f"--conversations must be between 1 and {MAX_CONVERSATIONS:,}, not {conversations}")
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"--days must be between 1 and {MAX_DAYS}, not {days}")
    if not 1 <= batch <= MAX_BATCH:
        raise ValueError(f"--batch must be between 1 and {MAX_BATCH:,}, not {batch}")


# ------------------------------------------------------------------------------ the CLI
def _end_time(raw: str) -> float:
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date like 2025-06-01 or 2025-06-01T12:00, not {raw!r}"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m web.console.seed",
        description="Fill Rasa's events table with realistic test conversations (never real data).",
    )
    parser.add_argument("--database-url", required=True, help="SQLAlchemy URL, e.g. sqlite:///var/seed.db")
    parser.add_argument(
        "--conversations", type=int, required=True, help="how many conversations (sender ids)"
    )
    parser.add_argument("--days", type=int, default=365, help="spread over the last N days (365)")
    parser.add_argument("--seed", type=int, default=7, help="random seed: same seed, same rows (7)")
    parser.add_argument("--batch", type=int, default=5000, help="rows per insert transaction (5000)")
    parser.add_argument("--end", type=_end_time, default=None,
                        help="UTC date/time the conversations end before (default: this hour)")  # fmt: skip
    parser.add_argument("--append", action="store_true", help="add to an events table that has rows")
    args = parser.parse_args(argv)
    try:
        _check_numbers(args.conversations, args.days, args.batch)
    except ValueError as error:
        parser.error(str(error))
    try:
        make_url(args.database_url)
    except ArgumentError:
        parser.error(f"--database-url: not a database URL: {args.database_url!r}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    engine = make_engine(args.database_url)
    last_report = [0.0]

    def report(sessions: int, written: int, seconds: float) -> None:
        if seconds - last_report[0] >= 2.0:
            last_report[0] = seconds
            rate = written / seconds if seconds else 0.0
            print(
                f"  {sessions:,} sessions, {written:,} events, {rate:,.0f} events/s",
                file=sys.stderr,
                flush=True,
            )

    try:
        result = seed_events(
            engine, args.conversations, args.days, args.seed, args.batch, args.end, args.append, report
        )
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except SQLAlchemyError as error:
        print(f"error: database: {error.__class__.__name__}: {str(error).splitlines()[0]}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(
        f"seeded {result.conversations:,} conversations, {result.events:,} events "
        f"({result.events / max(result.conversations, 1):.1f} per conversation) "
        f"in {result.seconds:.1f} s, {result.rate:,.0f} events/s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
