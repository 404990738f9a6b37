"""Alerts settings: where sign-ups arrive, the store and its ledger, how mail leaves."""

from pathlib import Path

from orchestration.defs.settings_resource import AreaResource
from orchestration.lib.alerts.transport import Transport, transport
from orchestration.lib.subscribers.links import link_secret


class AlertsResource(AreaResource):
    """Digests go to an SMTP relay when ``smtp_host`` is set, else to ``data/outbox/``."""

    def subscriptions_dir(self) -> Path:
        return self.settings().subscriptions

    def store(self) -> str:
        """The store of sign-ups and the delivery ledger (a SQLAlchemy URL)."""
        return self.settings().subscribers_store

    def secret(self) -> bytes:
        return link_secret(self.settings())

    def transport(self) -> Transport:
        return transport(self.settings())
