"""Mail as the tests read it: a real SMTP server on loopback (aiosmtpd) that keeps what
it accepts, the file outbox, and what a message says."""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from pathlib import Path

from aiosmtpd.controller import Controller

from tests.support.lakes import free_port


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@contextmanager
def smtp_server(inbox: Inbox | None = None) -> Iterator[tuple[Inbox, int]]:
    inbox = inbox or Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def outbox(folder: Path) -> list[Message]:
    """Every message written to a file outbox."""
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]


def plain_text(message: Message) -> str:
    """A message's plain-text part, decoded."""
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode()


def confirm_link(message: Message, base: str) -> str:
    """The one confirmation link a message holds, on the site at ``base``."""
    (link,) = re.findall(re.escape(base.rstrip("/")) + r"/confirm\?token=\S+", plain_text(message))
    return link
