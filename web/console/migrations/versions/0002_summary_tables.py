"""The console's summary of Rasa's events: one row per parent message, one per
conversation, and the sync watermark. Rasa's own ``events`` table is not altered (the
console's database role may only read it).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_messages",
        sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("timestamp", sa.Float, nullable=False),
        sa.Column("day", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("intent", sa.String(128), nullable=True),
        sa.Column("topic", sa.String(128), nullable=True),
        sa.Column("confidence", sa.Float, nullable=True),
        sa.Column("urgent", sa.Boolean, nullable=False),
        sa.Column("fallback", sa.Boolean, nullable=False),
        sa.Column("out_of_scope", sa.Boolean, nullable=False),
        sa.Column("feedback", sa.String(8), nullable=True),
        sa.Column("text_redacted", sa.Text, nullable=False),
        sa.Column("text_folded", sa.Text, nullable=False),
    )
    op.create_index("ix_console_messages_sender_event", "console_messages", ["sender_id", "event_id"])
    op.create_index("ix_console_messages_day_kind", "console_messages", ["day", "kind"])
    op.create_index("ix_console_messages_topic_sender", "console_messages", ["topic", "sender_id"])
    op.create_index("ix_console_messages_timestamp_event", "console_messages", ["timestamp", "event_id"])
    op.create_table(
        "console_conversations",
        sa.Column("sender_id", sa.String(255), primary_key=True),
        sa.Column("started", sa.Float, nullable=False),
        sa.Column("last", sa.Float, nullable=False),
        sa.Column("last_user_at", sa.Float, nullable=True),
        sa.Column("turns", sa.Integer, nullable=False),
        sa.Column("preview", sa.Text, nullable=False),
        sa.Column("topics", sa.Text, nullable=False),
        sa.Column("urgent", sa.Boolean, nullable=False),
        sa.Column("fallback", sa.Boolean, nullable=False),
        sa.Column("out_of_scope", sa.Boolean, nullable=False),
        sa.Column("thumbs_down", sa.Boolean, nullable=False),
        sa.Column("lowest_confidence", sa.Float, nullable=True),
    )
    op.create_index("ix_console_conversations_started", "console_conversations", ["started"])
    op.create_index("ix_console_conversations_urgent_started", "console_conversations", ["urgent", "started"])
    op.create_table(
        "console_sync",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_event_id", sa.Integer, nullable=False),
        sa.Column("gaps", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.execute("INSERT INTO console_sync (id, last_event_id, gaps, updated_at) VALUES (1, 0, '[]', 0)")


def downgrade() -> None:
    op.drop_table("console_sync")
    op.drop_table("console_conversations")
    op.drop_table("console_messages")
