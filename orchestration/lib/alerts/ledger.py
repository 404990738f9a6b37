"""The delivery ledger: every digest recorded before it is sent, each event once.

The ledger (``data/alerts.duckdb``) records each message, its bytes and the events it
carries, before it is sent; an event is in at most one message per subscription (a
primary key), and a message is marked sent as soon as it is. A rerun first sends what
was prepared and not marked sent, then prepares what is still pending, so an
interrupted run neither repeats nor drops an event. The one window left is a crash
after an SMTP server accepted a message and before it was marked: that message is sent
again, with the same Message-ID, which lets a receiving system drop the copy; the file
outbox has no such window.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.lib.alerts.digest import compose
from orchestration.lib.alerts.events import Event
from orchestration.lib.alerts.transport import Refused, Transport

LEDGER = """
create table if not exists messages (
    message_id varchar primary key,
    email varchar not null,
    prepared_at timestamp not null,
    sent_at timestamp,
    body blob not null
);
create table if not exists message_events (
    subscription_token varchar not null,
    event_id varchar not null,
    message_id varchar not null,
    primary key (subscription_token, event_id)
);
alter table messages add column if not exists attempts integer default 0;
alter table messages add column if not exists last_error varchar;
"""
# A message the relay refuses is tried on this many runs, then left as failed.
MAX_ATTEMPTS = 3


@dataclass
class DeliveryReport:
    events: int = 0
    messages_prepared: int = 0
    messages_sent: int = 0
    resent_after_interruption: int = 0
    messages_failed: int = 0
    failures: list[str] = field(default_factory=list)  # the reasons, without addresses


def deliver(
    ledger: Path,
    events: list[Event],
    transport: Transport,
    site_url: str,
    unsubscribe_url: str,
    sender: str,
) -> DeliveryReport:
    report = DeliveryReport(events=len(events))
    ledger.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(ledger)) as con:
        con.execute(LEDGER)
        unsent = con.execute(
            "select message_id, email, body from messages"
            " where sent_at is null and coalesce(attempts, 0) < ? order by prepared_at",
            [MAX_ATTEMPTS],
        ).fetchall()
        resent = [_send(con, transport, m, e, bytes(b), report) for m, e, b in unsent]
        report.resent_after_interruption = sum(resent)
        done = set(
            con.execute("select subscription_token, event_id from message_events").fetchall()
        )
        pending: dict[str, list[Event]] = defaultdict(list)
        for event in events:
            if (event.subscription.unsubscribe_token, event.event_id) not in done:
                pending[event.subscription.email].append(event)
        prepared = []
        for email, items in sorted(pending.items()):
            try:
                message_id, body = compose(email, items, site_url, unsubscribe_url, sender)
            except ValueError as exc:  # a header the email library refuses: this one only
                report.failures.append(f"digest for {masked(email)} not composed: {exc}")
                continue
            con.begin()
            con.execute(
                "insert into messages (message_id, email, prepared_at, body) values (?, ?, ?, ?)",
                [message_id, email, datetime.now(UTC).replace(tzinfo=None), body],
            )
            con.executemany(
                "insert into message_events values (?, ?, ?)",
                [[e.subscription.unsubscribe_token, e.event_id, message_id] for e in items],
            )
            con.commit()
            prepared.append((message_id, email, body))
        report.messages_prepared = len(prepared)
        sent = [_send(con, transport, m, e, b, report) for m, e, b in prepared]
        report.messages_sent = sum(sent) + report.resent_after_interruption
    return report


def _send(
    con: duckdb.DuckDBPyConnection,
    transport: Transport,
    message_id: str,
    email: str,
    body: bytes,
    report: DeliveryReport,
) -> bool:
    """Send one message and mark it sent; a refusal is recorded, and the rest go on."""
    try:
        transport.send(message_id, email, body)
    except Refused as exc:
        con.execute(
            "update messages set attempts = coalesce(attempts, 0) + 1, last_error = ?"
            " where message_id = ?",
            [str(exc)[:500], message_id],
        )
        report.messages_failed += 1
        report.failures.append(f"{message_id} to {masked(email)}: {exc}")
        return False
    con.execute(
        "update messages set sent_at = ? where message_id = ?",
        [datetime.now(UTC).replace(tzinfo=None), message_id],
    )
    return True


def masked(email: str) -> str:
    """An address as logs may show it: its first letter and its domain."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"
