"""The delivery ledger of earlier versions, ``data/alerts.duckdb``, taken into the store.

Before the store existed, sign-ups came only from CSV files (read again on every run,
so they come back by themselves) and the ledger lived in that DuckDB file. Its
messages and events move into the store once, so that no event is sent twice after an
upgrade; the file is then renamed ``alerts.duckdb.adopted`` and kept.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import sqlalchemy as sa

from orchestration.lib.subscribers.links import email_key
from orchestration.lib.subscribers.store import transaction

LEGACY = "alerts.duckdb"


def adopt_legacy_ledger(data_dir: Path, store: str, secret: bytes) -> int:
    """Move the old ledger's messages and events into the store; the events moved."""
    path = data_dir / LEGACY
    if not path.exists():
        return 0
    with duckdb.connect(str(path), read_only=True) as con:
        tables = {t for (t,) in con.execute("select table_name from duckdb_tables()").fetchall()}
        messages = events = []
        if {"messages", "message_events"} <= tables:
            messages = con.execute(
                "select message_id, email, prepared_at, sent_at, body,"
                " coalesce(attempts, 0), last_error from messages"
            ).fetchall()
            events = con.execute(
                "select subscription_token, event_id, message_id from message_events"
            ).fetchall()
    with transaction(store) as con:
        for message_id, email, prepared, sent, body, attempts, error in messages:
            con.execute(
                sa.text(
                    "insert into messages (message_id, kind, email, email_hash, prepared_at,"
                    " sent_at, body, attempts, last_error) values (:id, 'digest', :email,"
                    " :hash, :prepared, :sent, :body, :attempts, :error)"
                    " on conflict (message_id) do nothing"
                ),
                {
                    "id": message_id,
                    "email": email,
                    "hash": email_key(secret, email),
                    "prepared": prepared,
                    "sent": sent,
                    "body": bytes(body),
                    "attempts": attempts,
                    "error": error,
                },
            )
        for key, event, message_id in events:
            con.execute(
                sa.text(
                    "insert into message_events values (:key, :event, :message)"
                    " on conflict (signup_key, event_id) do nothing"
                ),
                {"key": key, "event": event, "message": message_id},
            )
    os.replace(path, path.with_name(f"{LEGACY}.adopted"))
    return len(events)
