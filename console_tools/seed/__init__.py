"""Fill a database with realistic Rasa conversations, for trying the console at scale.

    python -m console_tools.seed --database-url URL --conversations 100000 [--days 365]
                               [--seed 7] [--batch 5000] [--end 2025-06-01] [--append]

Writes only Rasa's ``events`` table (created if missing, with the columns of Rasa's
SQLTrackerStore), never the console's tables. Each conversation is what the bot's rules
make of a parent's messages: ``action_session_start``, ``session_started``,
``action_listen``, then per turn the parent's message (parse data with the intent, its
ranking and the response selector's answer), the action the rules pick, the reply
from the domain (``domain/``) and ``action_listen``. The parents' texts are the training examples
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

from console_tools.seed.cli import main, parse_args
from console_tools.seed.constants import (
    ACTION_LISTEN,
    ASSISTANT_ID,
    BOYS,
    COLUMNS,
    CONTENT_MIX,
    CORE_FALLBACK,
    CORE_FALLBACK_REPLY,
    DAY,
    FALLBACK_REPLY,
    FEEDBACK_REPLIES,
    GIRLS,
    HOSPITALS,
    HOUR_WEIGHTS,
    KEYBOARD,
    MAX_BATCH,
    MAX_CONVERSATIONS,
    MAX_DAYS,
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
    WEEKEND_WEIGHT,
    Row,
)
from console_tools.seed.corpus import Corpus, Reply, load_corpus
from console_tools.seed.generate import default_end, generate
from console_tools.seed.writing import SeedResult, create_events_table, seed_events

__all__ = [
    "ACTION_LISTEN",
    "ASSISTANT_ID",
    "BOYS",
    "COLUMNS",
    "CONTENT_MIX",
    "CORE_FALLBACK",
    "CORE_FALLBACK_REPLY",
    "Corpus",
    "DAY",
    "FALLBACK_REPLY",
    "FEEDBACK_REPLIES",
    "GIRLS",
    "HOSPITALS",
    "HOUR_WEIGHTS",
    "KEYBOARD",
    "MAX_BATCH",
    "MAX_CONVERSATIONS",
    "MAX_DAYS",
    "P_CLOSING",
    "P_CORE_FALLBACK",
    "P_FEEDBACK",
    "P_GREET_FIRST",
    "P_LOW_CONFIDENCE",
    "P_RETURN",
    "P_TAP_AFTER_FALLBACK",
    "P_THUMBS_DOWN",
    "P_TYPED_FEEDBACK",
    "Reply",
    "Row",
    "SESSION_START",
    "SURNAMES",
    "SeedResult",
    "TURN_WEIGHTS",
    "VAGUE",
    "WEEKDAYS",
    "WEEKEND_WEIGHT",
    "create_events_table",
    "default_end",
    "generate",
    "load_corpus",
    "main",
    "parse_args",
    "seed_events",
]
