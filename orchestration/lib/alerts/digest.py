"""One digest per subscriber: every pending event in one message, plain text and HTML."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import Any
from urllib.parse import quote

from orchestration.lib.alerts.events import Event
from orchestration.lib.common.templates import environment

# A header longer than 78 characters with nowhere to fold (List-Unsubscribe's URL) would
# be written as RFC 2047 encoded words, which no mail client reads as a URL: headers may
# run to RFC 5322's 998 characters instead.
MAIL = SMTP.clone(max_line_length=998)


def compose(
    email: str, events: list[Event], site_url: str, unsubscribe_url: str, sender: str
) -> tuple[str, bytes]:
    """One message (plain text and HTML) with every event for one subscriber."""
    ids = sorted(f"{e.subscription.key}/{e.event_id}" for e in events)
    digest = hashlib.blake2b("\n".join([email, *ids]).encode(), digest_size=12).hexdigest()
    message_id = f"<{digest}@trialwatch>"
    base = site_url.rstrip("/") + "/"
    # Every sign-up of one address shares its subscriber's page of what it follows.
    unsubscribe = f"{unsubscribe_url}?token={quote(events[0].subscription.link or '', safe='')}"
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for event in sorted(events, key=lambda e: (e.nct_id, e.day, e.text)):
        sub = event.subscription
        topic = sub.nct_id or event.topic or ""
        group = groups.setdefault(
            (sub.key, topic),
            {
                "topic": f"trial {topic}" if sub.nct_id else f"new trials for {topic}",
                "unsubscribe": unsubscribe,
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
    env = environment("mail")
    context = {"groups": list(groups.values()), "count": len(events)}
    # SMTP line endings, and quoted-printable so that no line passes the 998-byte limit.
    message = EmailMessage(policy=MAIL)
    message["Subject"] = (
        f"trialwatch: {len(events)} update{'s' if len(events) != 1 else ''} on trials you follow"
    )
    message["From"] = sender
    message["To"] = email
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(datetime.now(UTC))
    # RFC 8058: a mail client may unsubscribe with one POST to this URL, no page shown.
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(env.get_template("digest.txt.j2").render(**context), cte="quoted-printable")
    message.add_alternative(
        env.get_template("digest.html.j2").render(**context),
        subtype="html",
        cte="quoted-printable",
    )
    return message_id, bytes(message)
