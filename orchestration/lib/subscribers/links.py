"""The tokens in sign-up links, and the key that signs them.

- A confirmation link carries a random token (256 bits); the store keeps only its
  SHA-256, and it works once, before its sign-up expires.
- An unsubscribe link (in every digest, and the page that lists what an address
  follows) is signed: the subscriber's id and link epoch with an HMAC-SHA256 of them
  under the link secret. The pipeline signs the links of the digests it sends, so
  nothing secret is stored per subscriber; stopping every sign-up bumps the epoch,
  which voids every link signed before.
- Addresses in counters and in the ledger after an erasure are keyed hashes
  (HMAC-SHA256 under the same secret), so a list of known addresses cannot be
  matched against them without the key.

The secret is ``TRIALWATCH_LINK_SECRET``, or one made on first use and kept in
``data/secrets/link-secret``, readable by its owner only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from orchestration.lib.common.settings import Settings

SECRET_FILE = "link-secret"
_SIGNED = re.compile(r"([0-9]{1,12})\.([0-9]{1,9})\.([A-Za-z0-9_-]{43})", re.ASCII)
_RANDOM = re.compile(r"[A-Za-z0-9_-]{43}", re.ASCII)


def link_secret(current: Settings) -> bytes:
    """The link secret: the setting, or the kept one (made here the first time)."""
    if current.link_secret:
        return current.link_secret.encode()
    path = current.secrets / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _create(path, secrets.token_urlsafe(48))
    return path.read_text().strip().encode()


def _create(path: Path, value: str) -> None:
    # Exclusive: two processes that start at once keep the first one's secret.
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(handle, "w") as file:
        file.write(value)


def new_token() -> tuple[str, str]:
    """A random link token and the hash the store keeps of it."""
    token = secrets.token_urlsafe(32)
    return token, hashed(token)


def hashed(token: str) -> str | None:
    """The stored form of a random token; None for what is not one."""
    if not _RANDOM.fullmatch(token):
        return None
    return hashlib.sha256(token.encode()).hexdigest()


def signed(secret: bytes, subscriber_id: int, epoch: int) -> str:
    """The unsubscribe token of a subscriber at an epoch."""
    return f"{subscriber_id}.{epoch}.{_mac(secret, f'manage:{subscriber_id}:{epoch}')}"


def verified(secret: bytes, token: str) -> tuple[int, int] | None:
    """The (subscriber id, epoch) a signed token names, when its signature holds."""
    match = _SIGNED.fullmatch(token)
    if not match:
        return None
    subscriber, epoch = int(match[1]), int(match[2])
    if not hmac.compare_digest(match[3], _mac(secret, f"manage:{subscriber}:{epoch}")):
        return None
    return subscriber, epoch


def email_key(secret: bytes, email: str) -> str:
    """An address as counters and an erased ledger keep it: a keyed hash."""
    return hmac.new(secret, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def _mac(secret: bytes, text: str) -> str:
    digest = hmac.new(secret, text.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
