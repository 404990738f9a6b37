"""Alerts settings: where sign-ups arrive, the ledger, and how mail leaves."""

from pathlib import Path

from orchestration.defs.settings_resource import SettingsResource, setting
from orchestration.lib.alerts.transport import FileOutbox, SmtpRelay, Transport


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

    def subscriptions_dir(self) -> Path:
        return self.settings().subscriptions

    def ledger(self) -> Path:
        return self.settings().alerts_store

    def transport(self) -> Transport:
        current = self.settings()
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
