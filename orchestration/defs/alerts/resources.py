"""Alerts settings: where sign-ups arrive, the ledger, and how mail leaves."""

import os
from pathlib import Path

import dagster as dg

from orchestration.lib.alerts import Transport
from orchestration.lib.mail_transport import FileOutbox, SmtpRelay
from orchestration.lib.settings import paths


class AlertsResource(dg.ConfigurableResource):
    """Read from the environment:

    - ``TRIALWATCH_SMTP_HOST`` (with ``_PORT``, default 587, ``_TLS``: starttls, ssl or
      none, ``_USER``, ``_PASSWORD``): an SMTP relay; unset, digests go to ``data/outbox/``;
    - ``TRIALWATCH_MAIL_FROM``: the sender;
    - ``TRIALWATCH_UNSUBSCRIBE_URL``: the site's unsubscribe endpoint (``?token=`` is added).
    """

    def subscriptions_dir(self) -> Path:
        return paths().data_dir / "subscriptions"

    def ledger(self) -> Path:
        return paths().data_dir / "alerts.duckdb"

    def sender(self) -> str:
        return os.environ.get("TRIALWATCH_MAIL_FROM", "trialwatch <updates@trialwatch.invalid>")

    def unsubscribe_url(self) -> str:
        return os.environ.get("TRIALWATCH_UNSUBSCRIBE_URL", "http://localhost:8000/unsubscribe")

    def transport(self) -> Transport:
        host = os.environ.get("TRIALWATCH_SMTP_HOST")
        if not host:
            return FileOutbox(paths().data_dir / "outbox")
        return SmtpRelay(
            host=host,
            port=int(os.environ.get("TRIALWATCH_SMTP_PORT", "587")),
            sender=self.sender(),
            tls=os.environ.get("TRIALWATCH_SMTP_TLS", "starttls"),
            user=os.environ.get("TRIALWATCH_SMTP_USER"),
            password=os.environ.get("TRIALWATCH_SMTP_PASSWORD"),
        )
