"""The ClinicalTrials.gov API v2 client: polite, and robust to what networks do.

- A request rate (``rate_per_second``) it never exceeds.
- Retries with exponential backoff and jitter on 429, 5xx, timeouts, dropped
  connections and truncated bodies, honouring ``Retry-After``; each retry is logged and
  counted in ``stats``.
- Pages are returned as the bytes the registry sent, so the caller can land them before
  parsing; the bulk download is streamed to disk and verified (size, zip integrity, a
  study count) before anyone may load it.
"""

from __future__ import annotations

import logging
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from orchestration.lib.common.safe_names import is_nct_id

DEFAULT_BASE_URL = "https://clinicaltrials.gov/api/v2"
PAGE_SIZE = 1000
USER_AGENT = "trialwatch/0.1 (open-source registry warehouse)"
log = logging.getLogger(__name__)


class RegistryError(Exception):
    """The registry could not be read, even after retries, or sent something unusable."""


class NotFound(RegistryError):
    """The registry has no such thing (HTTP 404): a trial it no longer holds, say."""


class _Retryable(Exception):
    """A response worth asking for again (429, 5xx, a body that is not whole)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class ClientStats:
    requests: int = 0
    retries: int = 0
    bytes_received: int = 0
    retry_reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Page:
    number: int
    token: str | None  # the token that fetched this page (None for the first)
    next_token: str | None
    body: bytes
    studies: list[dict[str, Any]]
    total_count: int | None


def normalize_base_url(url: str) -> str:
    """``http://127.0.0.1:8765`` and ``.../api/v2/`` both mean the API v2 root."""
    url = url.rstrip("/")
    return url if url.endswith("/api/v2") else f"{url}/api/v2"


class RegistryClient:
    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        rate_per_second: float = 1.0,
        timeout: float = 120.0,
        max_attempts: int = 8,
        backoff_initial: float = 1.0,
        backoff_max: float = 300.0,
        page_size: int = PAGE_SIZE,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = normalize_base_url(base_url)
        # The history endpoints are not under /api/v2, but beside it.
        self._root = self.base_url.removesuffix("/api/v2")
        self.page_size = page_size
        self.stats = ClientStats()
        self._interval = 1.0 / rate_per_second if rate_per_second > 0 else 0.0
        self._last_request = 0.0
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
        )
        self._retrying = Retrying(
            retry=retry_if_exception(_should_retry),
            stop=stop_after_attempt(max_attempts),
            wait=_RetryAfterOrBackoff(backoff_initial, backoff_max),
            before_sleep=self._note_retry,
            reraise=True,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- endpoints -------------------------------------------------------------------

    def version(self) -> dict[str, Any]:
        """``{"apiVersion": ..., "dataTimestamp": ...}``: when the registry's data was made."""
        return orjson.loads(self._get("/version", parse=True))

    def study(self, nct_id: str) -> bytes:
        if not is_nct_id(nct_id):
            raise RegistryError(f"not an NCT id: {nct_id!r}")
        return self._get(f"/studies/{nct_id}", parse=True)

    def history_index(self, nct_id: str) -> bytes:
        """The registry's record history of a trial (an internal endpoint, its "record
        history" tab's): every version's number, date and status. Its shape is checked
        by lib/ingest/registry_history.py."""
        if not is_nct_id(nct_id):
            raise RegistryError(f"not an NCT id: {nct_id!r}")
        return self._get(f"{self._root}/api/int/studies/{nct_id}", {"history": "true"}, parse=True)

    def history_version(self, nct_id: str, version: int) -> bytes:
        """One version of a trial as the registry posted it, ``{"study": ...}``."""
        if not is_nct_id(nct_id):
            raise RegistryError(f"not an NCT id: {nct_id!r}")
        if version < 0:
            raise RegistryError(f"not a version number: {version}")
        return self._get(f"{self._root}/api/int/studies/{nct_id}/history/{version}", parse=True)

    def count(self, params: dict[str, str] | None = None) -> int:
        query = {**(params or {}), "pageSize": "1", "countTotal": "true"}
        return int(orjson.loads(self._get("/studies", query, parse=True))["totalCount"])

    def pages(
        self,
        params: dict[str, str] | None = None,
        start_token: str | None = None,
        start_number: int = 1,
    ) -> Iterator[Page]:
        """Every page of ``/studies`` from ``start_token`` on, as the registry sent it.

        Paging stops with a RegistryError, not forever, when the registry sends a token
        it already sent, or more pages than its own count of studies allows.
        """
        token, number = start_token, start_number
        seen = {start_token} if start_token else set()
        allowed: int | None = None
        while True:
            query = {**(params or {}), "pageSize": str(self.page_size), "format": "json"}
            if token:
                query["pageToken"] = token
            if allowed is None:
                query["countTotal"] = "true"
            body = self._get("/studies", query, parse=True)
            document = orjson.loads(body)
            total = document.get("totalCount")
            if allowed is None and isinstance(total, int):
                allowed = self._pages_allowed(total)
            yield Page(
                number=number,
                token=token,
                next_token=document.get("nextPageToken"),
                body=body,
                studies=document.get("studies", []),
                total_count=total if number == 1 else None,
            )
            token = document.get("nextPageToken")
            if not token:
                return
            if token in seen:
                raise RegistryError(
                    f"the registry sent page token {token[:40]!r} again after page {number}:"
                    " stopping rather than paging forever"
                )
            if allowed is not None and number >= allowed:
                raise RegistryError(
                    f"the registry offers a page {number + 1}, but its count of {total} studies"
                    f" at {self.page_size} a page allows {allowed}: stopping"
                )
            seen.add(token)
            number += 1

    def _pages_allowed(self, total: int) -> int:
        # Studies the registry adds while a long pull runs may need a page or two more.
        needed = -(-total // self.page_size)
        return needed + max(2, needed // 100)

    def download(self, dest: Path, expected_count: int | None = None) -> Path:
        """Stream the bulk download to ``dest`` and verify it; raise RegistryError if bad."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial = dest.with_name(dest.name + ".part")
        self._call(self._stream_to, "/studies/download", {"format": "json.zip"}, partial)
        count = verify_zip(partial, expected_count)
        partial.replace(dest)
        log.info("downloaded %s: %s studies, %s bytes", dest, count, dest.stat().st_size)
        return dest

    # -- transport ---------------------------------------------------------------------

    def _get(self, path: str, params: dict[str, str] | None = None, parse: bool = False) -> bytes:
        return self._call(self._get_once, path, params, parse)

    def _call(self, function: Any, *args: Any) -> Any:
        """Run one request with retries; what still fails after them is a RegistryError."""
        try:
            return self._retrying(function, *args)
        except (_Retryable, httpx.HTTPError) as exc:
            raise RegistryError(
                f"{self.base_url}: giving up after {self.stats.retries} retries: {exc}"
            ) from exc

    def _get_once(self, path: str, params: dict[str, str] | None, parse: bool) -> bytes:
        self._wait_turn()
        response = self._http.get(path, params=params)
        self.stats.requests += 1
        _raise_for_status(response)
        body = response.content
        self.stats.bytes_received += len(body)
        if parse:
            content_type = response.headers.get("Content-Type", "")
            if "json" not in content_type.lower():
                # A proxy's error page with a 200: the registry's answer is yet to come.
                raise _Retryable(f"expected JSON from {path}, got {content_type or 'no type'}")
            try:
                orjson.loads(body)
            except orjson.JSONDecodeError as exc:
                raise _Retryable(f"incomplete JSON from {path}: {exc}") from exc
        return body

    def _stream_to(self, path: str, params: dict[str, str], target: Path) -> None:
        self._wait_turn()
        with self._http.stream("GET", path, params=params) as response:
            self.stats.requests += 1
            _raise_for_status(response)
            expected = response.headers.get("Content-Length")
            received = 0
            with target.open("wb") as handle:
                for chunk in response.iter_bytes(1 << 20):
                    handle.write(chunk)
                    received += len(chunk)
            self.stats.bytes_received += received
            if expected is not None and received != int(expected):
                raise _Retryable(f"download cut short: {received} of {expected} bytes")

    def _wait_turn(self) -> None:
        pause = self._last_request + self._interval - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        self._last_request = time.monotonic()

    def _note_retry(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        reason = f"{type(error).__name__}: {error}" if error else "unknown"
        self.stats.retries += 1
        self.stats.retry_reasons.append(reason)
        wait = state.next_action.sleep if state.next_action else 0
        log.warning(
            "registry request failed (attempt %d): %s; retrying in %.1fs",
            state.attempt_number,
            reason,
            wait,
        )


def _raise_for_status(response: httpx.Response) -> None:
    if response.status_code == 429 or response.status_code >= 500:
        raise _Retryable(
            f"HTTP {response.status_code} from {response.url.path}",
            retry_after=_retry_after(response.headers.get("Retry-After")),
        )
    if response.status_code >= 400:
        response.read()
        raise (NotFound if response.status_code == 404 else RegistryError)(
            f"HTTP {response.status_code} from {response.url}: {response.text[:300]}"
        )


def data_date(timestamp: str) -> date:
    """The day of the registry's data (its version's ``dataTimestamp``), else today."""
    try:
        return date.fromisoformat(timestamp[:10])
    except ValueError:
        return datetime.now(UTC).date()


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _should_retry(error: BaseException) -> bool:
    # Timeouts, refused and dropped connections, bodies cut short: all TransportErrors.
    return isinstance(error, _Retryable | httpx.TransportError)


class _RetryAfterOrBackoff:
    """Wait what the server asked (Retry-After), else exponential backoff with jitter."""

    def __init__(self, initial: float, maximum: float) -> None:
        self._backoff = wait_exponential_jitter(multiplier=initial, max=maximum)
        self._maximum = maximum

    def __call__(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _Retryable) and error.retry_after is not None:
            return min(error.retry_after, self._maximum)
        return self._backoff(state)


def verify_zip(path: Path, expected_count: int | None = None, tolerance: float = 0.01) -> int:
    """Check a bulk download before anything is loaded from it; return its study count."""
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
            if bad is not None:
                raise RegistryError(f"download {path.name} is corrupt at member {bad}")
            count = sum(1 for name in archive.namelist() if name.lower().endswith(".json"))
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise RegistryError(f"download {path.name} is not a whole zip: {exc}") from exc
    if count == 0:
        raise RegistryError(f"download {path.name} holds no study")
    if expected_count and abs(count - expected_count) > tolerance * expected_count:
        raise RegistryError(
            f"download {path.name} holds {count} studies, the registry counts {expected_count}"
        )
    return count
