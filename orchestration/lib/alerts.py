"""Alerts: what each subscriber should hear, put in one digest per run, delivered once.

Events come from the published warehouse: a change to a subscribed trial (one per
``trial_changes`` row seen on or after the sign-up day), or a trial first seen on or
after the sign-up day for a subscribed condition, matched by MeSH term with its
descendants (a sign-up for "Leukemia" hears of an acute myeloid leukemia trial) or
by the registrant's own wording.

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

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Protocol

import duckdb
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from orchestration.lib.duckdb_files import open_read_only
from orchestration.lib.subscriptions import Subscription

TEMPLATES = Path(__file__).resolve().parents[1] / "site_templates"
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
"""


@dataclass(frozen=True)
class Event:
    event_id: str
    kind: str  # trial_changed | new_trial
    subscription: Subscription
    nct_id: str
    title: str
    day: date
    text: str


class Transport(Protocol):
    name: str

    def send(self, message_id: str, email: str, body: bytes) -> None: ...


@dataclass
class DeliveryReport:
    events: int = 0
    messages_prepared: int = 0
    messages_sent: int = 0
    resent_after_interruption: int = 0


def find_events(warehouse: Path, subscriptions: list[Subscription]) -> list[Event]:
    with open_read_only(warehouse) as con:
        titles = dict(con.execute("select nct_id, brief_title from main.trials").fetchall())
        first_seen = dict(con.execute("select nct_id, first_seen from main.trials").fetchall())
        events = []
        for sub in subscriptions:
            since = sub.created_at.date()
            if sub.nct_id:
                changes = con.execute(
                    """
                    select change_id, changed_on, sentence from main.trial_changes
                    where nct_id = ? and changed_on >= ?
                    order by changed_on, category, field, item_key
                    """,
                    [sub.nct_id, since],
                ).fetchall()
                events += [
                    Event(
                        f"change:{cid}",
                        "trial_changed",
                        sub,
                        sub.nct_id,
                        titles[sub.nct_id],
                        day,
                        text,
                    )
                    for cid, day, text in changes
                ]
            else:
                for (nct_id,) in con.execute(
                    CONDITION_TRIALS, [sub.condition, sub.condition]
                ).fetchall():
                    if first_seen[nct_id] >= since:
                        events.append(
                            Event(
                                f"new:{nct_id}",
                                "new_trial",
                                sub,
                                nct_id,
                                titles[nct_id],
                                first_seen[nct_id],
                                f"A new trial for {sub.condition}: {titles[nct_id]}",
                            )
                        )
    return events


# Trials for a condition: its MeSH term or any descendant (trial_condition_terms lists
# each trial under its terms' ancestors too), or the registrant's own wording.
CONDITION_TRIALS = """
    select distinct terms.nct_id
    from main.trial_condition_terms as terms join main.conditions using (mesh_id)
    where lower(conditions.mesh_term) = lower(trim(?))
    union
    select nct_id from main.trial_conditions
    where lower(trim(condition_name)) = lower(trim(?))
    order by 1
"""


def known_conditions(warehouse: Path) -> set[str]:
    """Every condition a sign-up may name, in lower case: MeSH terms and registrant wordings."""
    with open_read_only(warehouse) as con:
        rows = con.execute(
            "select lower(mesh_term) from main.conditions"
            " union select lower(trim(condition_name)) from main.trial_conditions"
        ).fetchall()
    return {name for (name,) in rows if name}


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
            " where sent_at is null order by prepared_at"
        ).fetchall()
        for message_id, email, body in unsent:
            _send(con, transport, message_id, email, bytes(body))
            report.resent_after_interruption += 1
        done = set(
            con.execute("select subscription_token, event_id from message_events").fetchall()
        )
        pending: dict[str, list[Event]] = defaultdict(list)
        for event in events:
            if (event.subscription.unsubscribe_token, event.event_id) not in done:
                pending[event.subscription.email].append(event)
        prepared = []
        for email, items in sorted(pending.items()):
            message_id, body = _digest(email, items, site_url, unsubscribe_url, sender)
            con.begin()
            con.execute(
                "insert into messages values (?, ?, ?, null, ?)",
                [message_id, email, datetime.now(UTC).replace(tzinfo=None), body],
            )
            con.executemany(
                "insert into message_events values (?, ?, ?)",
                [[e.subscription.unsubscribe_token, e.event_id, message_id] for e in items],
            )
            con.commit()
            prepared.append((message_id, email, body))
        report.messages_prepared = len(prepared)
        for message_id, email, body in prepared:
            _send(con, transport, message_id, email, body)
        report.messages_sent = len(prepared) + report.resent_after_interruption
    return report


def _send(
    con: duckdb.DuckDBPyConnection, transport: Transport, message_id: str, email: str, body: bytes
) -> None:
    transport.send(message_id, email, body)
    con.execute(
        "update messages set sent_at = ? where message_id = ?",
        [datetime.now(UTC).replace(tzinfo=None), message_id],
    )


def _digest(
    email: str, events: list[Event], site_url: str, unsubscribe_url: str, sender: str
) -> tuple[str, bytes]:
    """One message (plain text and HTML) with every event for one subscriber."""
    ids = sorted(f"{e.subscription.unsubscribe_token}/{e.event_id}" for e in events)
    digest = hashlib.blake2b("\n".join([email, *ids]).encode(), digest_size=12).hexdigest()
    message_id = f"<{digest}@trialwatch>"
    base = site_url.rstrip("/") + "/"
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for event in sorted(events, key=lambda e: (e.nct_id, e.day, e.text)):
        sub = event.subscription
        topic = sub.nct_id or sub.condition or ""
        group = groups.setdefault(
            (sub.unsubscribe_token, topic),
            {
                "topic": f"trial {topic}" if sub.nct_id else f"new trials for {topic}",
                "unsubscribe": f"{unsubscribe_url}?token={sub.unsubscribe_token}",
                "entries": [],
            },
        )
        group["entries"].append(
            {
                "nct_id": event.nct_id,
                "title": event.title,
                "day": event.day.isoformat(),
                "text": event.text,
                "url": f"{base}trials/{event.nct_id}.html",
            }
        )
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html.j2"], default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    context = {"groups": list(groups.values()), "count": len(events)}
    # SMTP line endings, and quoted-printable so that no line passes the 998-byte limit.
    message = EmailMessage(policy=SMTP)
    message["Subject"] = (
        f"trialwatch: {len(events)} update{'s' if len(events) != 1 else ''} on trials you follow"
    )
    message["From"] = sender
    message["To"] = email
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(datetime.now(UTC))
    message["List-Unsubscribe"] = f"<{next(iter(groups.values()))['unsubscribe']}>"
    message.set_content(env.get_template("digest.txt.j2").render(**context), cte="quoted-printable")
    message.add_alternative(
        env.get_template("digest.html.j2").render(**context),
        subtype="html",
        cte="quoted-printable",
    )
    return message_id, bytes(message)
