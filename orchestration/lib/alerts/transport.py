"""Where digests go: a folder of .eml files (the default) or an SMTP relay."""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from orchestration.lib.common.safe_names import inside
from orchestration.lib.common.settings import Settings


class Transport(Protocol):
    name: str

    def send(self, message_id: str, email: str, body: bytes) -> None: ...


@dataclass
class FileOutbox:
    """Each message as ``<message id>.eml``; one already there is not written again."""

    folder: Path
    name: str = "outbox"

    def send(self, message_id: str, email: str, body: bytes) -> None:
        path = inside(self.folder, f"{re.sub(r'[^A-Za-z0-9._-]', '', message_id)}.eml")
        if path.exists():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(body)
        os.replace(temporary, path)


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


class Refused(Exception):
    """The relay refused this message for good (a 5xx answer): others may still go."""


@dataclass
class SmtpRelay:
    host: str
    port: int
    sender: str
    tls: str = "starttls"  # starttls | ssl | none
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0
    name: str = "smtp"
    allow_plain_login: bool = False

    def __post_init__(self) -> None:
        if self.user and self.tls == "none" and not self.allow_plain_login:
            raise ValueError("an SMTP login without TLS would send the password in clear")

    def send(self, message_id: str, email: str, body: bytes) -> None:
        """Send one message; a permanent refusal is :class:`Refused`, anything else (a
        relay down, a 4xx) is raised as it is, and the message goes again next run."""
        try:
            self._send(email, body)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as exc:
            # The answers only: the exception's own text would name the address.
            answers = (
                list(exc.recipients.values())
                if isinstance(exc, smtplib.SMTPRecipientsRefused)
                else [(exc.smtp_code, exc.smtp_error)]
            )
            if all(code >= 500 for code, _ in answers):
                said = "; ".join(f"{code} {_text(reply)}" for code, reply in answers)
                raise Refused(f"the relay refused it: {said}") from exc
            raise

    def _send(self, email: str, body: bytes) -> None:
        context = ssl.create_default_context()
        if self.tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=context
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            if self.tls == "starttls":
                client.starttls(context=context)
            if self.user:
                client.login(self.user, self.password or "")
            client.sendmail(self.sender, [email], body)


def transport(current: Settings) -> Transport:
    """Where mail goes: the SMTP relay when ``smtp_host`` is set, else ``data/outbox/``."""
    if not current.smtp_host:
        return FileOutbox(current.outbox)
    return SmtpRelay(
        host=current.smtp_host,
        port=current.smtp_port,
        sender=current.mail_from,
        tls=current.smtp_tls,
        user=current.smtp_user,
        password=current.smtp_password,
        allow_plain_login=current.smtp_allow_plain_login,
    )
