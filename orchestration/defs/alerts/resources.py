"""Alerts settings: where sign-ups arrive, the store and its ledger, how mail leaves."""

from pathlib import Path

from orchestration.defs.settings_resource import SettingsResource, setting
from orchestration.lib.alerts.transport import Transport, transport
from orchestration.lib.subscribers.links import link_secret


class AlertsResource(SettingsResource):
    """Digests go to an SMTP relay when ``smtp_host`` is set, else to ``data/outbox/``."""

    smtp_host: str | None = setting("smtp_host")
    smtp_port: int | None = setting("smtp_port")
    smtp_tls: str | None = setting("smtp_tls")
    smtp_user: str | None = setting("smtp_user")
    smtp_password: str | None = setting("smtp_password")
    smtp_allow_plain_login: bool | None = setting("smtp_allow_plain_login")
    mail_from: str | None = setting("mail_from")
    unsubscribe_url: str | None = setting("unsubscribe_url")
    site_url: str | None = setting("site_url")
    subscribers_url: str | None = setting("subscribers_url")
    link_secret: str | None = setting("link_secret")

    def subscriptions_dir(self) -> Path:
        return self.settings().subscriptions

    def store(self) -> str:
        """The store of sign-ups and the delivery ledger (a SQLAlchemy URL)."""
        return self.settings().subscribers_store

    def secret(self) -> bytes:
        return link_secret(self.settings())

    def transport(self) -> Transport:
        return transport(self.settings())
