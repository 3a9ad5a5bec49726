"""One conversation's event rows, made from the corpus with one ``random.Random``."""

from __future__ import annotations

import bisect
import json
import random
import re
from collections.abc import Sequence
from typing import Any

from assistant.names import (
    EMERGENCY_LEVEL,
    FALLBACK_INTENT,
    FAQ_INTENT,
    FEEDBACK_ENTITY,
    FEEDBACK_INTENT,
    MEDICINE_INTENT,
    URGENT_INTENT,
    URGENT_LEVEL,
    URGENT_RESPONSE,
    feedback_command,
)
from assistant.topics import TOPIC_TITLES
from console_tools.seed.constants import (
    ACTION_LISTEN,
    ASSISTANT_ID,
    BOYS,
    CONTENT_MIX,
    CORE_FALLBACK,
    CORE_FALLBACK_REPLY,
    DAY,
    FALLBACK_REPLY,
    FEEDBACK_REPLIES,
    GIRLS,
    HOSPITALS,
    KEYBOARD,
    P_CLOSING,
    P_CORE_FALLBACK,
    P_FEEDBACK,
    P_GREET_FIRST,
    P_LOW_CONFIDENCE,
    P_RETURN,
    P_TAP_AFTER_FALLBACK,
    P_THUMBS_DOWN,
    P_TYPED_FEEDBACK,
    SESSION_START,
    SURNAMES,
    TURN_WEIGHTS,
    VAGUE,
    WEEKDAYS,
    Row,
)
from console_tools.seed.corpus import Corpus, Reply


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
