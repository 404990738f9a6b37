"""Sign-ups from request to unsubscribe, in the store (lib/subscribers/store.py).

A request makes a pending sign-up and a confirmation to send, unless one address has
been sent its day's share of confirmations already; the caller answers the same
either way. Confirming (a POST with the link's token) makes it active; its
confirmation time is when its subscriber starts to hear of what the warehouse lands.
Every step is a row in ``consents``, with the wording the form showed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from orchestration.lib.alerts.subscriptions import Subscription
from orchestration.lib.subscribers.links import email_key, hashed, new_token, signed
from orchestration.lib.subscribers.topics import Topic


@dataclass(frozen=True)
class Confirmation:
    """A confirmation message to send: its link's token exists nowhere else."""

    email: str
    topic: Topic
    token: str


def request(
    con: sa.Connection,
    email: str,
    topic: Topic,
    wording: str,
    now: datetime,
    *,
    secret: bytes,
    expiry_days: int,
    per_day: int,
) -> Confirmation | None:
    """Record a request to follow ``topic``; the confirmation to send, if any.

    Nothing is sent for a sign-up already active, nor past ``per_day`` confirmations to
    the address today (counted by a keyed hash of it)."""
    subscriber = subscriber_id(con, email, now)
    row = con.execute(
        sa.text("select id, status from signups where subscriber_id = :s and topic = :t"),
        {"s": subscriber, "t": topic.name},
    ).first()
    if row is not None and row.status == "active":
        return None
    if count(con, email_key(secret, f"confirm:{email}"), now.date().isoformat()) > per_day:
        return None
    token, token_hash = new_token()
    fields = {
        "hash": token_hash,
        "expires": now + timedelta(days=expiry_days),
        "now": now,
    }
    if row is None:
        signup = con.execute(
            sa.text(
                "insert into signups (subscriber_id, topic, key, status, source, requested_at,"
                " confirm_token_hash, expires_at)"
                " values (:s, :t, :key, 'pending', 'web', :now, :hash, :expires) returning id"
            ),
            {**fields, "s": subscriber, "t": topic.name, "key": f"web:{token_hash[:32]}"},
        ).scalar_one()
    else:
        signup = row.id
        con.execute(
            sa.text(
                "update signups set status = 'pending', requested_at = :now,"
                " confirm_token_hash = :hash, expires_at = :expires where id = :id"
            ),
            {**fields, "id": signup},
        )
    consent(con, signup, "requested", wording, now, "web")
    return Confirmation(email, topic, token)


def pending_topic(con: sa.Connection, token: str, now: datetime) -> Topic | None:
    """The topic a confirmation link would confirm (nothing is changed: a GET asks this)."""
    row = _pending(con, token, now)
    return Topic.parse(row.topic) if row else None


def confirm(con: sa.Connection, token: str, now: datetime) -> Topic | None:
    """Confirm the sign-up of a link's token, once; its topic, or None for a token
    that is wrong, used or expired (which changes nothing)."""
    row = _pending(con, token, now)
    if row is None:
        return None
    con.execute(
        sa.text(
            "update signups set status = 'active', confirmed_at = :now, unsubscribed_at = null,"
            " confirm_token_hash = null, expires_at = null where id = :id"
        ),
        {"now": now, "id": row.id},
    )
    consent(con, row.id, "confirmed", None, now, "web")
    return Topic.parse(row.topic)


def following(con: sa.Connection, subscriber: int) -> list[tuple[int, Topic]]:
    """The active sign-ups of a subscriber: (sign-up id, topic)."""
    rows = con.execute(
        sa.text(
            "select id, topic from signups where subscriber_id = :s and status = 'active'"
            " order by topic"
        ),
        {"s": subscriber},
    ).all()
    return [(r.id, topic) for r in rows if (topic := Topic.parse(r.topic))]


def stop(con: sa.Connection, subscriber: int, now: datetime, signup: int | None = None) -> int:
    """Unsubscribe one sign-up of the subscriber, or all (which voids its links); the
    number stopped."""
    chosen = "" if signup is None else " and id = :id"
    ids = [
        r.id
        for r in con.execute(
            sa.text(
                f"select id from signups where subscriber_id = :s and status = 'active'{chosen}"
            ),
            {"s": subscriber, "id": signup},
        ).all()
    ]
    for stopped in ids:
        con.execute(
            sa.text(
                "update signups set status = 'unsubscribed', unsubscribed_at = :now where id = :id"
            ),
            {"now": now, "id": stopped},
        )
        consent(con, stopped, "withdrawn", None, now, "web")
    if signup is None:
        con.execute(
            sa.text("update subscribers set link_epoch = link_epoch + 1 where id = :s"),
            {"s": subscriber},
        )
    return len(ids)


def epoch(con: sa.Connection, subscriber: int) -> int | None:
    """The subscriber's link epoch (None: no such subscriber)."""
    return con.execute(
        sa.text("select link_epoch from subscribers where id = :s"), {"s": subscriber}
    ).scalar_one_or_none()


def expire(con: sa.Connection, now: datetime) -> int:
    """Forget sign-ups never confirmed in time, and addresses left with none."""
    gone = con.execute(
        sa.text(
            "delete from signups where status = 'pending' and confirmed_at is null"
            " and expires_at < :now"
        ),
        {"now": now},
    ).rowcount
    con.execute(
        sa.text(
            "update signups set status = 'unsubscribed', confirm_token_hash = null,"
            " expires_at = null where status = 'pending' and expires_at < :now"
        ),
        {"now": now},
    )
    con.execute(
        sa.text(
            "delete from subscribers where not exists"
            " (select 1 from signups where signups.subscriber_id = subscribers.id)"
            " and not exists (select 1 from messages where messages.email = subscribers.email"
            " and messages.sent_at is null)"
        )
    )
    return gone


def count(con: sa.Connection, name: str, bucket: str) -> int:
    """Add one to a counter (a keyed hash, never an address, and a time bucket); its
    new count. Counters of buckets before ``bucket`` are dropped as they pass."""
    con.execute(
        sa.text("delete from rate_counters where name = :n and bucket < :b"),
        {"n": name, "b": bucket},
    )
    return con.execute(
        sa.text(
            "insert into rate_counters (name, bucket, count) values (:n, :b, 1)"
            " on conflict (name, bucket) do update set count = rate_counters.count + 1"
            " returning count"
        ),
        {"n": name, "b": bucket},
    ).scalar_one()


def subscriber_id(con: sa.Connection, email: str, now: datetime) -> int:
    con.execute(
        sa.text(
            "insert into subscribers (email, created_at) values (:e, :now)"
            " on conflict (email) do nothing"
        ),
        {"e": email, "now": now},
    )
    return con.execute(
        sa.text("select id from subscribers where email = :e"), {"e": email}
    ).scalar_one()


def _pending(con: sa.Connection, token: str, now: datetime) -> sa.Row | None:
    token_hash = hashed(token)
    if token_hash is None:
        return None
    return con.execute(
        sa.text(
            "select id, topic from signups where confirm_token_hash = :h"
            " and status = 'pending' and expires_at >= :now"
        ),
        {"h": token_hash, "now": now},
    ).first()


def consent(
    con: sa.Connection, signup: int, action: str, wording: str | None, now: datetime, source: str
) -> None:
    con.execute(
        sa.text(
            "insert into consents (signup_id, action, wording, at, source)"
            " values (:s, :a, :w, :now, :src)"
        ),
        {"s": signup, "a": action, "w": wording, "now": now, "src": source},
    )


def active(con: sa.Connection, secret: bytes) -> list[Subscription]:
    """Every active sign-up, with its subscriber's signed unsubscribe token."""
    rows = con.execute(
        sa.text(
            "select s.key, s.topic, s.confirmed_at, p.id, p.email, p.link_epoch"
            " from signups as s join subscribers as p on p.id = s.subscriber_id"
            " where s.status = 'active' order by p.email, s.key"
        ).columns(confirmed_at=sa.DateTime)  # typed, for SQLite returns a time as text
    ).all()
    found = []
    for row in rows:
        topic = Topic.parse(row.topic)
        if topic is None:  # a topic no version of the forms writes: nothing to match
            continue
        link = signed(secret, row.id, row.link_epoch)
        found.append(
            Subscription(row.email, topic.nct_id, topic.condition, row.confirmed_at, row.key, link)
        )
    return found
