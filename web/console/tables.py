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
