"""Digests reach a real SMTP server on loopback once each, even across a crash."""

from __future__ import annotations

import email
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from orchestration.lib.alerts.events import Event
from orchestration.lib.alerts.ledger import MAX_ATTEMPTS, deliver
from orchestration.lib.alerts.subscriptions import Subscription
from orchestration.lib.alerts.transport import FileOutbox, SmtpRelay
from tests.support.mail import Inbox, smtp_server

SENDER = "trialwatch <updates@trialwatch.invalid>"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as running:
        yield running


def _subscription(mail: str, token: str, nct_id: str = "NCT06529731") -> Subscription:
    # The sign-up's key in the ledger, and here its unsubscribe token too.
    return Subscription(mail, nct_id, None, datetime(2026, 6, 1), token, token)


def _events(subscription: Subscription, *numbers: int) -> list[Event]:
    return [
        Event(
            f"change:{n}",
            "trial_changed",
            subscription,
            subscription.nct_id or "",
            "A trial <b>title</b>",
            date(2026, 6, 27),
            f"Change number {n}. <b>",
        )
        for n in numbers
    ]


def _items(inbox: Inbox) -> list[tuple[str, str]]:
    """(recipient, change) for every change line in every plain-text part received."""
    found = []
    for message in inbox.messages:
        text = message.get_body(("plain",)) if hasattr(message, "get_body") else None
        body = text or next(p for p in message.walk() if p.get_content_type() == "text/plain")
        for line in body.get_payload(decode=True).decode().splitlines():
            if "Change number" in line:
                found.append((message["To"], line.split(": ", 1)[1].removesuffix(" <b>")))
    return found


def _deliver(ledger: Path, events: list[Event], transport) -> object:
    store = f"sqlite:///{ledger}"
    return deliver(
        store, events, transport, "http://site.test/", "http://site.test/unsub", SENDER, b"key"
    )


class Crash(Exception):
    """Stands for the process dying: nothing after it runs."""


class CrashAfter:
    def __init__(self, relay: SmtpRelay, sends: int) -> None:
        self.relay, self.left, self.name = relay, sends, "smtp"

    def send(self, message_id: str, address: str, body: bytes) -> None:
        if self.left == 0:
            raise Crash
        self.left -= 1
        self.relay.send(message_id, address, body)


def test_one_digest_per_subscriber_with_every_event_and_a_way_out(
    smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = smtp
    relay = SmtpRelay("127.0.0.1", port, SENDER, tls="none")
    ana, ben = _subscription("ana@example.org", "ta"), _subscription("ben@example.org", "tb")
    report = _deliver(tmp_path / "ledger.sqlite", _events(ana, 1, 2) + _events(ben, 3), relay)
    assert (report.messages_prepared, report.messages_sent) == (2, 2)
    assert sorted(_items(inbox)) == [
        ("ana@example.org", "Change number 1."),
        ("ana@example.org", "Change number 2."),
        ("ben@example.org", "Change number 3."),
    ]
    message = next(m for m in inbox.messages if m["To"] == "ana@example.org")
    html = next(p for p in message.walk() if p.get_content_type() == "text/html")
    page = html.get_payload(decode=True).decode()
    assert "http://site.test/trials/NCT06529731.html" in page
    assert "http://site.test/unsub?token=ta" in page
    # Registry text is escaped in the HTML part.
    assert "<b>" not in page
    assert message["List-Unsubscribe"] == "<http://site.test/unsub?token=ta>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A rerun with the same events sends nothing; a new event goes alone.
    again = _deliver(tmp_path / "ledger.sqlite", _events(ana, 1, 2, 4) + _events(ben, 3), relay)
    assert again.messages_sent == 1
    assert _items(inbox)[-1] == ("ana@example.org", "Change number 4.")


def test_a_crash_between_sends_then_a_rerun_delivers_every_event_once(
    smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = smtp
    relay = SmtpRelay("127.0.0.1", port, SENDER, tls="none")
    subscribers = [_subscription(f"s{i}@example.org", f"t{i}") for i in range(5)]
    events = [e for i, s in enumerate(subscribers) for e in _events(s, 10 * i, 10 * i + 1)]
    ledger = tmp_path / "ledger.sqlite"
    with pytest.raises(Crash):
        _deliver(ledger, events, CrashAfter(relay, sends=2))
    assert len(inbox.messages) == 2
    # The rerun also brings a new event for one subscriber: it goes in a new digest.
    later = _events(subscribers[0], 99)
    report = _deliver(ledger, events + later, relay)
    assert report.resent_after_interruption == 3
    expected = sorted((e.subscription.email, e.text.removesuffix(" <b>")) for e in events + later)
    assert sorted(_items(inbox)) == expected  # every event, once
    assert len({m["Message-ID"] for m in inbox.messages}) == len(inbox.messages) == 6


def test_the_file_outbox_writes_each_message_once(tmp_path: Path) -> None:
    outbox = FileOutbox(tmp_path / "outbox")
    ana = _subscription("ana@example.org", "ta")
    ledger = tmp_path / "ledger.sqlite"
    with pytest.raises(Crash):
        _deliver(ledger, _events(ana, 1), CrashAfter(outbox, sends=0))  # type: ignore[arg-type]
    assert not (tmp_path / "outbox").exists()
    _deliver(ledger, _events(ana, 1), outbox)
    _deliver(ledger, _events(ana, 1), outbox)
    (eml,) = (tmp_path / "outbox").glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes())
    assert message["To"] == "ana@example.org" and "Change number 1." in eml.read_text()


class RefusingInbox(Inbox):
    """Refuses one recipient for good (550), as a relay does an unknown mailbox."""

    def __init__(self, refused: str) -> None:
        super().__init__()
        self.refused = refused

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address == self.refused:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_refused_message_is_recorded_and_the_rest_go(tmp_path: Path) -> None:
    with smtp_server(RefusingInbox("gone@example.org")) as (inbox, port):
        relay = SmtpRelay("127.0.0.1", port, SENDER, tls="none")
        ana, gone, ben = (
            _subscription("ana@example.org", "ta"),
            _subscription("gone@example.org", "tg"),
            _subscription("ben@example.org", "tb"),
        )
        ledger = tmp_path / "ledger.sqlite"
        events = _events(ana, 1) + _events(gone, 2) + _events(ben, 3)
        report = _deliver(ledger, events, relay)
        assert (report.messages_sent, report.messages_failed) == (2, 1)
        assert sorted(m["To"] for m in inbox.messages) == ["ana@example.org", "ben@example.org"]
        assert "550" in report.failures[0] and "gone@example.org" not in report.failures[0]
        # Later runs try the refused message again, a bounded number of times.
        retries = [_deliver(ledger, events, relay).messages_failed for _ in range(MAX_ATTEMPTS)]
        assert retries == [1] * (MAX_ATTEMPTS - 1) + [0]
        assert len(inbox.messages) == 2


def test_a_login_without_tls_is_refused_unless_allowed() -> None:
    with pytest.raises(ValueError, match="in clear"):
        SmtpRelay("127.0.0.1", 25, SENDER, tls="none", user="trialwatch", password="secret")
    SmtpRelay("127.0.0.1", 25, SENDER, tls="none", user="u", password="p", allow_plain_login=True)
