"""What an FAQ turn answers, given the conversation so far: plain functions, no Rasa graph.

Used by `assistant.policies.faq_context_policy.FaqContextPolicy` (which actions a turn
runs) and `assistant.plugins.nlg` (how each reply is worded). Three decisions:

- **Two questions.** When the NLU found two questions with two different answers
  (`FAQ_QUESTIONS_KEY`, from `assistant.nlu.faq_selector`), the turn gives both, in the
  order asked; the first answer leaves out its "To reach them" line and its buttons, so
  the care-team line comes once, at the end.
- **A follow-up.** A short message that leans on what came before ("and the lungs?",
  "is that serious?", "why not?", "the other one") is answered in the context of the
  topic the bot answered last: the FAQ selector's confidences for the message alone, plus
  `CONTEXT_BOOST` for each topic related to the last one (the topics its answer offers as
  buttons, the one related-topic map in the domain, and the other topics of its family in
  `TOPIC_FAMILIES`: the body systems, the two therapies, the medicines, the care), the last
  topic itself left out. A follow-up with no words of its own ("and the other one?", "why
  not?") is answered from context whatever the intent classifier made of it. A follow-up that
  names a new topic clearly keeps its own answer: the boost cannot outweigh it.
- **Not in the source.** A question the article does not answer gets `utter_not_in_source`,
  which offers the nearest topic it does answer: the topic of the conversation for a
  follow-up, else the selector's best guess.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from assistant.follow_ups import (
    OTHER_OF,
    OTHER_WORDS,
    TOPIC_FAMILIES,
    TWO_MEDICINE_TOPICS,
    by_ordinal,
    excluded_topics,
    half_named_topics,
    has_own_words,
    is_follow_up,
    mentioned_topics,
    words,
)
from assistant.names import (
    FALLBACK_INTENT,
    FAQ_INTENT,
    NOT_IN_SOURCE_INTENT,
    OUT_OF_SCOPE_INTENT,
    SCOPE_ASKS_BEYOND,
    SCOPE_KEY,
    SCOPE_RESCOPED_FROM,
    SMALL_TALK_INTENTS,
)
from assistant.topics import TOPIC_TITLES

FAQ_ACTION_PREFIX = f"utter_{FAQ_INTENT}/"
# Parse-data key of the two questions of a message: ["faq/<key>", "faq/<key>"].
FAQ_QUESTIONS_KEY = "faq_questions"
# Added to the confidence of each topic related to the last one, for a follow-up.
CONTEXT_BOOST = 0.3
# A follow-up the intent classifier took for out of scope or did not understand is
# answered from context only when its best topic, boosted, reaches this.
CONTEXT_FLOOR = 0.4
TOPIC_INTENTS = (FAQ_INTENT, NOT_IN_SOURCE_INTENT, OUT_OF_SCOPE_INTENT, FALLBACK_INTENT)
# A follow-up may also have been taken for small talk: claimed when it has no words of its own
# ("and the other one?") or points at a topic by an ordinal, part of a name or "the other"
# ("whats the first one u said"); never for a report, a medicine question, feelings or another
# language.
FOLLOW_UP_INTENTS = (*TOPIC_INTENTS, *SMALL_TALK_INTENTS)


def topic_key(utter_action: Optional[str]) -> Optional[str]:
    """`utter_faq/car_t` -> `car_t`; None for any other reply."""
    if utter_action and utter_action.startswith(FAQ_ACTION_PREFIX):
        return utter_action[len(FAQ_ACTION_PREFIX) :]
    return None


def last_topic(events: Sequence[Any]) -> Optional[str]:
    """The topic of the FAQ answer the bot gave to the message before the latest one, if it
    gave one (context lasts one turn at a time: a follow-up answered in context becomes the
    new context). Read from the bot message's `utter_action`, else from the action name
    (`utter_faq/<key>`, or `utter_faq` with the answer the selector chose for that message,
    as in Rasa's conversation tests, which replay actions without their messages)."""
    previous: List[Any] = []
    users = 0
    for event in reversed(events):
        if getattr(event, "type_name", "") == "user":
            users += 1
            if users == 2:
                previous.append(event)
                break
        elif users == 1:
            previous.append(event)
    asked = previous[-1] if previous and getattr(previous[-1], "type_name", "") == "user" else None
    for event in previous:
        kind = getattr(event, "type_name", "")
        if kind == "bot":
            key = topic_key((getattr(event, "metadata", None) or {}).get("utter_action"))
        elif kind == "action":
            name = getattr(event, "action_name", None)
            key = topic_key(name)
            if key is None and name == FAQ_ACTION_PREFIX[:-1] and asked is not None:
                key = selected_topic(getattr(asked, "parse_data", None) or {})
        else:
            key = None
        if key:
            return key
    return None


def last_answer_text(events: Sequence[Any]) -> str:
    """The text of the bot's messages to the message before the latest one."""
    texts: List[str] = []
    users = 0
    for event in reversed(events):
        kind = getattr(event, "type_name", "")
        if kind == "user":
            users += 1
            if users == 2:
                break
        elif kind == "bot" and users == 1:
            texts.append(str(getattr(event, "text", "") or ""))
    return " ".join(reversed(texts))


def selected_topic(parse_data: Mapping[str, Any]) -> Optional[str]:
    """The FAQ answer the selector chose for a message."""
    selector = (parse_data.get("response_selector") or {}).get(FAQ_INTENT) or {}
    chosen = (selector.get("response") or {}).get("intent_response_key") or _retrieval_intent(parse_data)
    return str(chosen).split("/", 1)[-1] if chosen else None


def _retrieval_intent(parse_data: Mapping[str, Any]) -> Optional[str]:
    """`faq/<key>` from the intent itself (Rasa's conversation tests give it so, without the
    selector's output)."""
    return (parse_data.get("intent") or {}).get("full_retrieval_intent_name")


def related_topics(responses: Mapping[str, Sequence[Mapping[str, Any]]]) -> Dict[str, Tuple[str, ...]]:
    """Each topic's related topics: the payloads of its answer's buttons, read as topic keys."""
    by_title = {title: key for key, title in TOPIC_TITLES.items()}
    related: Dict[str, Tuple[str, ...]] = {}
    for name, variations in responses.items():
        key = topic_key(name)
        if key is None:
            continue
        found = [other for family in TOPIC_FAMILIES if key in family for other in family if other != key]
        for variation in variations:
            for button in variation.get("buttons") or []:
                other = by_title.get(str(button.get("payload", "")))
                if other and other != key and other not in found:
                    found.append(other)
        related[key] = tuple(found)
    return related


def confidences(parse_data: Mapping[str, Any]) -> Dict[str, float]:
    """The FAQ selector's confidence for each topic key (a missing one counts 0)."""
    selector = (parse_data.get("response_selector") or {}).get(FAQ_INTENT) or {}
    result: Dict[str, float] = {}
    for entry in selector.get("ranking") or []:
        key = str(entry.get("intent_response_key", "")).split("/", 1)[-1]
        result[key] = float(entry.get("confidence") or 0.0)
    given = _retrieval_intent(parse_data)
    if not result and given:
        result[given.split("/", 1)[-1]] = 1.0
    return result


def in_context(
    scores: Mapping[str, float], context: str, related: Iterable[str], boost: float = CONTEXT_BOOST
) -> Tuple[Optional[str], float]:
    """The best topic other than `context` once the related ones are boosted, and its score
    (on a tie, the first in `related`: the topic's family first, then its buttons)."""
    near = list(related)
    best: Optional[str] = None
    best_score = -0.5
    for key in [*near, *sorted(set(scores) - set(near))]:
        if key == context:
            continue
        value = scores.get(key, 0.0) + (boost if key in near else 0.0)
        if value > best_score:
            best, best_score = key, value
    return best, best_score


def intent_of(parse_data: Mapping[str, Any], follow_up: bool = False) -> str:
    """The message's intent; a follow-up is `not_in_source` only when the intent classifier
    and the scope check (`assistant.nlu.scope_classifier`) both say so, else `faq`."""
    intent = str((parse_data.get("intent") or {}).get("name") or FALLBACK_INTENT)
    scope = parse_data.get(SCOPE_KEY)
    if follow_up and intent == NOT_IN_SOURCE_INTENT and isinstance(scope, Mapping):
        rescoped = scope.get(SCOPE_RESCOPED_FROM) == FAQ_INTENT
        if rescoped or not scope.get(SCOPE_ASKS_BEYOND):
            return FAQ_INTENT
    return intent


def two_questions(parse_data: Mapping[str, Any]) -> Optional[List[str]]:
    keys = parse_data.get(FAQ_QUESTIONS_KEY)
    if isinstance(keys, list) and len(keys) == 2 and keys[0] != keys[1]:
        return [str(k).split("/", 1)[-1] for k in keys]
    return None


def answer_plan(
    parse_data: Mapping[str, Any],
    context: Optional[str],
    related: Mapping[str, Sequence[str]],
    last_answer: str = "",
) -> Optional[List[str]]:
    """The replies of this turn when context or two questions change them, else None (the
    rules answer as for a first message). Never for a report, a medicine question, feelings
    or another language."""
    text = str(parse_data.get("text") or "")
    follow_up = context is not None and is_follow_up(text)
    intent = intent_of(parse_data, follow_up)
    bare = follow_up and not has_own_words(text)
    if intent not in (FOLLOW_UP_INTENTS if follow_up else TOPIC_INTENTS):
        return None
    if intent == FAQ_INTENT:
        pair = two_questions(parse_data)
        if pair and not follow_up:
            return [FAQ_ACTION_PREFIX + key for key in pair]
    if not follow_up or context is None:
        return None
    pointed = by_ordinal(text, last_answer)
    if pointed and (bare or intent != NOT_IN_SOURCE_INTENT):
        return [FAQ_ACTION_PREFIX + pointed]
    if intent == NOT_IN_SOURCE_INTENT and not bare:
        return None
    scores = confidences(parse_data)
    excluded = excluded_topics(text)
    if context in excluded and context in TWO_MEDICINE_TOPICS:
        return [FAQ_ACTION_PREFIX + context]  # "the other one, not tocilizumab": the topic's other medicine
    for key in excluded:
        scores[key] = -1.0
    named = [key for key in half_named_topics(text) if key not in excluded]
    if len(named) == 1:
        return [FAQ_ACTION_PREFIX + named[0]]  # "and the other one u said, methyl something"
    if context in OTHER_OF and OTHER_WORDS & set(words(text)) and not mentioned_topics(text):
        return [FAQ_ACTION_PREFIX + OTHER_OF[context]]  # "the other drug that causes crs"
    best, score = in_context(scores, context, related.get(context, ()))
    if best is None or (intent in SMALL_TALK_INTENTS and not bare):
        return None  # "thanks, that helps": small talk unless it points at a topic (above)
    if intent != FAQ_INTENT and not bare and score < CONTEXT_FLOOR:
        return None
    return [FAQ_ACTION_PREFIX + best]


def related_topic(parse_data: Mapping[str, Any], context: Optional[str]) -> Optional[str]:
    """The topic a "not in my source" reply offers: the conversation's, for a follow-up,
    else the FAQ selector's best guess for the message."""
    if context and is_follow_up(str(parse_data.get("text") or "")):
        return context
    scores = confidences(parse_data)
    return max(scores, key=lambda k: scores[k]) if scores else None
