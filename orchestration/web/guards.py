"""What the service checks before it acts on a POST: where the form came from, and how
often this client has asked."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from starlette.requests import Request

from orchestration.lib.subscribers.links import email_key
from orchestration.lib.subscribers.signups import count
from orchestration.lib.subscribers.store import transaction


def client_address(request: Request, trusted_proxy: str | None) -> str:
    """The client's address: the connection's, or, behind the trusted proxy, the last
    address that proxy added to X-Forwarded-For (the ones before it the client wrote)."""
    peer = request.client.host if request.client else "unknown"
    if trusted_proxy and peer == trusted_proxy:
        forwarded = request.headers.get("x-forwarded-for", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return peer


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else None


def same_origin(request: Request, site_url: str, *, required: bool) -> bool:
    """Whether the POST came from one of the site's own pages: its Origin (or, lacking
    one, its Referer) is the site's base URL or the address it was sent to. A POST with
    neither passes only when not ``required`` (a mail client's one-click unsubscribe)."""
    sent = request.headers.get("origin") or _origin(request.headers.get("referer", "") or "")
    if not sent or sent == "null":
        return not required
    own = f"{request.url.scheme}://{request.headers.get('host', '')}".lower()
    return sent.lower() in {_origin(site_url), own}


def over_rate(store: str, secret: bytes, client: str, per_minute: int, now: datetime) -> bool:
    """Count this request of ``client``; whether it is past the minute's allowance."""
    with transaction(store) as con:
        seen = count(con, email_key(secret, f"client:{client}"), now.strftime("%Y-%m-%dT%H:%M"))
    return seen > per_minute
