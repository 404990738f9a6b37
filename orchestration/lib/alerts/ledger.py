"""The delivery ledger: every digest recorded before it is sent, each event once.

The ledger (tables ``messages`` and ``message_events`` of the store of sign-ups,
lib/subscribers/store.py) records each message, its bytes and the events it
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

import sqlalchemy as sa

from orchestration.lib.alerts.digest import compose
from orchestration.lib.alerts.events import Event
from orchestration.lib.alerts.transport import Refused, Transport
from orchestration.lib.subscribers.links import email_key
from orchestration.lib.subscribers.store import now, transaction

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
    store: str,
    events: list[Event],
    transport: Transport,
    site_url: str,
    unsubscribe_url: str,
    sender: str,
    secret: bytes,
) -> DeliveryReport:
    """Send what an earlier run prepared and did not send, then a digest per address of
    its events not yet in the ledger; ``store`` is the store's URL."""
    report = DeliveryReport(events=len(events))
    with transaction(store) as con:
        unsent = con.execute(
            sa.text(
                "select message_id, email, body from messages where sent_at is null"
                " and body is not null and attempts < :most"
                " order by prepared_at"
            ),
            {"most": MAX_ATTEMPTS},
        ).all()
    resent = [send(store, transport, m, e, bytes(b), report) for m, e, b in unsent]
    report.resent_after_interruption = sum(resent)
    pending: dict[str, list[Event]] = defaultdict(list)
    with transaction(store) as con:
        done = {tuple(row) for row in con.execute(sa.text(DONE)).all()}
    for event in events:
        if (event.subscription.key, event.event_id) not in done:
            pending[event.subscription.email].append(event)
    prepared = []
    for email, items in sorted(pending.items()):
        try:
            message_id, body = compose(email, items, site_url, unsubscribe_url, sender)
        except ValueError as exc:  # a header the email library refuses: this one only
            report.failures.append(f"digest for {masked(email)} not composed: {exc}")
            continue
        with transaction(store) as con:
            record(con, message_id, "digest", email, body, secret)
            con.execute(
                sa.text("insert into message_events values (:key, :event, :message)"),
                [
                    {"key": e.subscription.key, "event": e.event_id, "message": message_id}
                    for e in items
                ],
            )
        prepared.append((message_id, email, body))
    report.messages_prepared = len(prepared)
    sent = [send(store, transport, m, e, b, report) for m, e, b in prepared]
    report.messages_sent = sum(sent) + report.resent_after_interruption
    return report


DONE = "select signup_key, event_id from message_events"


def record(
    con: sa.Connection, message_id: str, kind: str, email: str, body: bytes, secret: bytes
) -> None:
    """A message in the ledger, prepared and not yet sent."""
    con.execute(
        sa.text(
            "insert into messages (message_id, kind, email, email_hash, prepared_at, body)"
            " values (:id, :kind, :email, :hash, :now, :body)"
        ),
        {
            "id": message_id,
            "kind": kind,
            "email": email,
            "hash": email_key(secret, email),
            "now": now(),
            "body": body,
        },
    )


def send(
    store: str,
    transport: Transport,
    message_id: str,
    email: str,
    body: bytes,
    report: DeliveryReport,
) -> bool:
    """Send one recorded message and mark it sent; a refusal is recorded, and the rest
    go on. Any other failure is raised, and the message waits for the next run."""
    try:
        transport.send(message_id, email, body)
    except Refused as exc:
        with transaction(store) as con:
            con.execute(
                sa.text(
                    "update messages set attempts = attempts + 1, last_error = :error"
                    " where message_id = :id"
                ),
                {"error": str(exc)[:500], "id": message_id},
            )
        report.messages_failed += 1
        report.failures.append(f"{message_id} to {masked(email)}: {exc}")
        return False
    with transaction(store) as con:
        con.execute(
            sa.text("update messages set sent_at = :now where message_id = :id"),
            {"now": now(), "id": message_id},
        )
    return True


def masked(email: str) -> str:
    """An address as logs may show it: its first letter and its domain."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"
