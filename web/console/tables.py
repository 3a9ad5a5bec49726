"""Table definitions: the console's own tables and (read-only) Rasa's ``events``.

The console's tables are created and upgraded only by the Alembic migrations in
``migrations/``; ``events`` belongs to Rasa's SQLTrackerStore and is never created
or altered here.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

users = Table(
    "console_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", Float, nullable=True),
    Column("created_at", Float, nullable=False),
)

sessions = Table(
    "console_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("console_users.id"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
)

reviews = Table(
    "console_reviews",
    metadata,
    Column("sender_id", String(255), primary_key=True),
    Column("reviewed", Boolean, nullable=False, default=False),
    Column("reviewed_by", String(64), nullable=True),
    Column("reviewed_at", Float, nullable=True),
)

tags = Table(
    "console_tags",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("tag", String(64), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("sender_id", "tag", name="uq_console_tags_sender_tag"),
)

notes = Table(
    "console_notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("body", Text, nullable=False),
    Column("author", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
)

corrections = Table(
    "console_corrections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Integer, nullable=False, unique=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("intent", String(128), nullable=False),
    Column("corrected_by", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
)

audit_log = Table(
    "console_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False, index=True),
    Column("username", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", String(255), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
)

# Rasa's SQLTrackerStore table, described for reading; never created by the console.
rasa_metadata = MetaData()
events = Table(
    "events",
    rasa_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)

# -- the console's summary of Rasa's events (kept up to date by web.console.services.summary) ----
# One row per parent message (and per thumbs rating): what the list, the review queue
# and the insights page count and filter in SQL instead of replaying every event.
messages = Table(
    "console_messages",
    metadata,
    Column("event_id", Integer, primary_key=True, autoincrement=False),  # events.id
    Column("sender_id", String(255), nullable=False),
    Column("timestamp", Float, nullable=False),
    Column("day", Integer, nullable=False),  # UTC days since 1970-01-01
    Column("kind", String(16), nullable=False),  # "user" or "feedback"
    Column("intent", String(128), nullable=True),
    # The FAQ key answered; for a rating, the FAQ key of the answer it rates.
    Column("topic", String(128), nullable=True),
    # Lowest of the intent and response-selector confidences (user messages).
    Column("confidence", Float, nullable=True),
    Column("urgent", Boolean, nullable=False, default=False),
    Column("fallback", Boolean, nullable=False, default=False),  # fallback intent or action
    Column("out_of_scope", Boolean, nullable=False, default=False),
    Column("feedback", String(8), nullable=True),  # "up" / "down" for ratings
    Column("text_redacted", Text, nullable=False, default=""),
    Column("text_folded", Text, nullable=False, default=""),  # casefolded, for search
    Index("ix_console_messages_sender_event", "sender_id", "event_id"),
    Index("ix_console_messages_day_kind", "day", "kind"),
    Index("ix_console_messages_topic_sender", "topic", "sender_id"),
    # The insights' most recent examples stop after a few rows instead of sorting the range.
    Index("ix_console_messages_timestamp_event", "timestamp", "event_id"),
)

# One row per conversation: the list's columns, filters and the queue's order.
conversations = Table(
    "console_conversations",
    metadata,
    Column("sender_id", String(255), primary_key=True),
    Column("started", Float, nullable=False),
    Column("last", Float, nullable=False),
    Column("last_user_at", Float, nullable=True),
    Column("turns", Integer, nullable=False, default=0),
    Column("preview", Text, nullable=False, default=""),  # redacted first parent message
    Column("topics", Text, nullable=False, default=""),  # FAQ keys, first asked first, "\n"-joined
    Column("urgent", Boolean, nullable=False, default=False),
    Column("fallback", Boolean, nullable=False, default=False),
    Column("out_of_scope", Boolean, nullable=False, default=False),
    Column("thumbs_down", Boolean, nullable=False, default=False),
    Column("lowest_confidence", Float, nullable=True),
    Index("ix_console_conversations_started", "started"),
    Index("ix_console_conversations_urgent_started", "urgent", "started"),
)

# Where the summary has read Rasa's events up to (a single row, id 1).
sync_state = Table(
    "console_sync",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_event_id", Integer, nullable=False, default=0),
    # Ids below the watermark that were missing when read (a transaction of another
    # conversation not committed yet), as JSON [[id, first seen], ...]: read again for a while.
    Column("gaps", Text, nullable=False, default="[]"),
    Column("updated_at", Float, nullable=False, default=0.0),
)

# Staff alerts on urgent reports (web.console.alerts): one row per urgent parent message,
# the outbox the alert worker delivers from. It holds no text: the payload's redacted first
# line is read from ``console_messages`` when the alert is sent.
alerts = Table(
    "console_alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Integer, nullable=False, unique=True),  # the parent's message (events.id)
    Column("sender_id", String(255), nullable=False, index=True),
    Column("reported_at", Float, nullable=False),  # when the parent sent it
    Column("created_at", Float, nullable=False),
    Column("kind", String(16), nullable=False),  # web.console.alerts.payload.KINDS
    Column("level", String(16), nullable=False),  # "emergency" or "urgent"
    Column("categories", String(255), nullable=False, default=""),  # red-flag categories, ","-joined
    Column("status", String(16), nullable=False),  # "pending", "delivered" or "failed"
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", Float, nullable=True),
    Column("lease_until", Float, nullable=True),  # a worker is sending it until then
    Column("last_attempt_at", Float, nullable=True),
    Column("last_result", String(255), nullable=False, default=""),  # "HTTP 500", "timed out"
    Column("delivered_at", Float, nullable=True),
    Index("ix_console_alerts_status_next", "status", "next_attempt_at"),
)
