"""People and deliveries: subscribers, sign-ups, consents, rate counters, the ledger.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "subscribers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        # Bumped when every sign-up is stopped: the links signed before stop working.
        sa.Column("link_epoch", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "signups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "subscriber_id",
            sa.Integer,
            sa.ForeignKey("subscribers.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("topic", sa.String(200), nullable=False),  # trial:<NCT id> | condition:<slug>
        # What the ledger knows the sign-up by: a CSV row's token, or web:<id>.
        sa.Column("key", sa.String(160), nullable=False, unique=True),
        sa.Column("status", sa.String(16), nullable=False),  # pending | active | unsubscribed
        sa.Column("source", sa.String(200), nullable=False),  # web | csv:<file>
        sa.Column("requested_at", sa.DateTime, nullable=False),
        sa.Column("confirm_token_hash", sa.String(64), unique=True),
        sa.Column("expires_at", sa.DateTime),
        sa.Column("confirmed_at", sa.DateTime),
        sa.Column("unsubscribed_at", sa.DateTime),
        sa.UniqueConstraint("subscriber_id", "topic"),
    )
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "signup_id", sa.Integer, sa.ForeignKey("signups.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("action", sa.String(16), nullable=False),  # requested | confirmed | withdrawn
        sa.Column("wording", sa.Text),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
    )
    op.create_table(
        "rate_counters",
        sa.Column("name", sa.String(64), primary_key=True),  # a keyed hash, never an address
        sa.Column("bucket", sa.String(32), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_table(
        "messages",
        sa.Column("message_id", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),  # digest | confirmation
        sa.Column("email", sa.String(320)),  # null once the address is erased
        sa.Column("email_hash", sa.String(64), nullable=False),
        sa.Column("prepared_at", sa.DateTime, nullable=False),
        sa.Column("sent_at", sa.DateTime),
        sa.Column("body", sa.LargeBinary),  # null once the address is erased
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
    )
    op.create_table(
        "message_events",
        sa.Column("signup_key", sa.String(160), primary_key=True),
        sa.Column("event_id", sa.String(200), primary_key=True),
        sa.Column(
            "message_id", sa.String(200), sa.ForeignKey("messages.message_id"), nullable=False
        ),
    )
    op.create_table(  # the CSV rows the last import refused, for operators
        "import_rejects",
        sa.Column("source_file", sa.String(300), nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_table(  # addresses erased on request: CSV files may not bring them back
        "erased",
        sa.Column("email_hash", sa.String(64), primary_key=True),
        sa.Column("erased_at", sa.DateTime, nullable=False),
    )
    op.create_index("signups_by_status", "signups", ["status"])
    op.create_index("messages_unsent", "messages", ["sent_at"])


def downgrade() -> None:
    for table in (
        "erased",
        "import_rejects",
        "message_events",
        "messages",
        "rate_counters",
        "consents",
        "signups",
        "subscribers",
    ):
        op.drop_table(table)
