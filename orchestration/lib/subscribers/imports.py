"""Sign-ups confirmed elsewhere, imported from CSV (lib/alerts/subscriptions.py).

The files are read again on every run, so an import changes only what the files add:
a row makes a sign-up, active from its ``created_at`` (its confirmation); a later row
with the same token confirms it again; an unsubscribe stops it unless it was confirmed
after. An unsubscribe made on the web stays, whatever the files say, and an address
erased on request is not imported again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from orchestration.lib.alerts.subscriptions import Subscription, SubscriptionFiles
from orchestration.lib.subscribers.rights import is_erased
from orchestration.lib.subscribers.signups import consent, subscriber_id

# Typed, for SQLite returns a time as text.
SIGNUP_BY_KEY = sa.text(
    "select id, confirmed_at, unsubscribed_at from signups where key = :k"
).columns(id=sa.Integer, confirmed_at=sa.DateTime, unsubscribed_at=sa.DateTime)


@dataclass
class Imported:
    added: int = 0
    confirmed_again: int = 0
    unsubscribed: int = 0
    already_followed: int = 0  # the address follows the topic through another sign-up
    erased: int = 0  # rows of addresses erased on request, not imported


def import_files(
    con: sa.Connection, files: SubscriptionFiles, now: datetime, secret: bytes
) -> Imported:
    """Bring the store level with the files; their refused rows replace the last ones."""
    done = Imported()
    con.execute(sa.text("delete from import_rejects"))
    if files.rejected:
        con.execute(
            sa.text("insert into import_rejects values (:source_file, :line, :reason)"),
            [vars(r) for r in files.rejected],
        )
    for row in sorted(files.subscriptions, key=lambda s: s.since):
        if is_erased(con, row.email, secret):
            done.erased += 1
            continue
        _import_row(con, row, now, done)
    for key, when in sorted(files.unsubscribed.items()):
        signup = con.execute(
            SIGNUP_BY_KEY,
            {"k": key},
        ).first()
        if signup is None or (signup.unsubscribed_at and signup.unsubscribed_at >= when):
            continue
        con.execute(
            sa.text("update signups set unsubscribed_at = :when where id = :id"),
            {"when": when, "id": signup.id},
        )
        if signup.confirmed_at <= when:
            con.execute(
                sa.text("update signups set status = 'unsubscribed' where id = :id"),
                {"id": signup.id},
            )
            consent(con, signup.id, "withdrawn", None, when, "csv")
            done.unsubscribed += 1
    return done


def _import_row(con: sa.Connection, row: Subscription, now: datetime, done: Imported) -> None:
    topic = f"trial:{row.nct_id}" if row.nct_id else f"term:{row.condition}"
    signup = con.execute(
        SIGNUP_BY_KEY,
        {"k": row.key},
    ).first()
    if signup is None:
        created = con.execute(
            sa.text(
                "insert into signups (subscriber_id, topic, key, status, source, requested_at,"
                " confirmed_at) values (:s, :t, :k, 'active', 'csv', :at, :at)"
                " on conflict (subscriber_id, topic) do nothing returning id"
            ),
            {"s": subscriber_id(con, row.email, now), "t": topic, "k": row.key, "at": row.since},
        ).scalar_one_or_none()
        if created is None:
            done.already_followed += 1
            return
        consent(con, created, "confirmed", None, row.since, "csv")
        done.added += 1
    elif signup.confirmed_at is None or signup.confirmed_at < row.since:
        active = signup.unsubscribed_at is None or signup.unsubscribed_at < row.since
        con.execute(
            sa.text(
                "update signups set confirmed_at = :at,"
                " status = case when :active then 'active' else status end where id = :id"
            ),
            {"at": row.since, "active": active, "id": signup.id},
        )
        consent(con, signup.id, "confirmed", None, row.since, "csv")
        done.confirmed_again += 1
