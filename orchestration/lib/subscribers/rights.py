"""A person's rights over their address: a copy of everything stored about it, and its
erasure. After an erasure the ledger keeps each message's keyed hash of the address
(links.email_key) and its events, without the address or the message; the address's
hash also joins ``erased``, so that a CSV import cannot bring it back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from orchestration.lib.subscribers.links import email_key

SIGNUPS = """
    select s.topic, s.status, s.source, s.requested_at, s.confirmed_at, s.unsubscribed_at,
        s.id
    from signups as s join subscribers as p on p.id = s.subscriber_id
    where p.email = :email order by s.id
"""
CONSENTS = """
    select c.action, c.wording, c.at, c.source from consents as c
    where c.signup_id = :signup order by c.id
"""
MESSAGES = """
    select message_id, kind, prepared_at, sent_at, body from messages
    where email = :email order by prepared_at, message_id
"""


def export_person(con: sa.Connection, email: str) -> dict[str, Any]:
    """Everything the store holds about ``email``, as JSON-ready values."""
    email = email.strip().lower()
    person = con.execute(
        sa.text("select email, created_at from subscribers where email = :email"),
        {"email": email},
    ).first()
    signups = []
    for row in con.execute(sa.text(SIGNUPS), {"email": email}).mappings():
        consents = con.execute(sa.text(CONSENTS), {"signup": row["id"]}).mappings()
        signups.append({**_plain(row, skip={"id"}), "consents": [_plain(c) for c in consents]})
    messages = [
        {**_plain(m, skip={"body"}), "message": bytes(m["body"]).decode(errors="replace")}
        for m in con.execute(sa.text(MESSAGES), {"email": email}).mappings()
        if m["body"] is not None
    ]
    return {
        "email": email,
        "subscriber": _plain(person._mapping) if person else None,
        "signups": signups,
        "messages": messages,
    }


def erase_person(con: sa.Connection, email: str, secret: bytes, now: datetime) -> dict[str, int]:
    """Erase ``email``: its sign-ups and consents, and the address and text of every
    message to it; what was removed, counted."""
    email = email.strip().lower()
    signups = con.execute(
        sa.text(
            "select count(*) from signups where subscriber_id in"
            " (select id from subscribers where email = :email)"
        ),
        {"email": email},
    ).scalar_one()
    messages = con.execute(
        sa.text("update messages set email = null, body = null where email = :email"),
        {"email": email},
    ).rowcount
    con.execute(
        sa.text(
            "delete from consents where signup_id in (select s.id from signups as s"
            " join subscribers as p on p.id = s.subscriber_id where p.email = :email)"
        ),
        {"email": email},
    )
    con.execute(
        sa.text(
            "delete from signups where subscriber_id in"
            " (select id from subscribers where email = :email)"
        ),
        {"email": email},
    )
    people = con.execute(
        sa.text("delete from subscribers where email = :email"), {"email": email}
    ).rowcount
    con.execute(
        sa.text(
            "insert into erased (email_hash, erased_at) values (:hash, :now)"
            " on conflict (email_hash) do nothing"
        ),
        {"hash": email_key(secret, email), "now": now},
    )
    return {"addresses": people, "signups": signups, "messages": messages}


def is_erased(con: sa.Connection, email: str, secret: bytes) -> bool:
    return (
        con.execute(
            sa.text("select 1 from erased where email_hash = :hash"),
            {"hash": email_key(secret, email)},
        ).first()
        is not None
    )


def _plain(row: Any, skip: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    return {
        key: value.isoformat(sep=" ") if isinstance(value, datetime) else value
        for key, value in dict(row).items()
        if key not in skip
    }
