"""The message that asks an address to confirm a sign-up: plain text and HTML."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

from orchestration.lib.alerts.digest import MAIL
from orchestration.lib.common.templates import environment


def confirmation(
    email: str, topic: str, link: str, sender: str, expiry_days: int
) -> tuple[str, bytes]:
    """A message id and the message asking ``email`` to confirm following ``topic``."""
    message_id = f"<confirm-{secrets.token_hex(12)}@trialwatch>"
    env = environment("mail")
    context = {"topic": topic, "link": link, "expiry_days": expiry_days}
    message = EmailMessage(policy=MAIL)
    message["Subject"] = "Confirm your trialwatch emails"
    message["From"] = sender
    message["To"] = email
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        env.get_template("confirm.txt.j2").render(**context), cte="quoted-printable"
    )
    message.add_alternative(
        env.get_template("confirm.html.j2").render(**context),
        subtype="html",
        cte="quoted-printable",
    )
    return message_id, bytes(message)
