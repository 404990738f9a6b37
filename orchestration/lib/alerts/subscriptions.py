"""Sign-ups confirmed elsewhere, and their unsubscribes, read from CSV and validated.

The bulk path beside the web service's sign-ups (lib/web): CSV files in
``data/subscriptions/``, imported into the store of sign-ups on each run
(lib/subscribers/imports.py), where an imported row's ``created_at`` counts as its
confirmation:
- sign-ups (any ``*.csv``): ``email,nct_id,condition,created_at,unsubscribe_token``, with
  one of nct_id or condition set; a condition is a MeSH term or the registrant's wording;
- unsubscribes (``unsubscribes*.csv``): ``unsubscribe_token,unsubscribed_at``.

A bad row is reported with its file, line and reason, and skipped; it never stops a run.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from orchestration.lib.common.safe_names import is_nct_id

SIGNUP_HEADER = ["email", "nct_id", "condition", "created_at", "unsubscribe_token"]
UNSUBSCRIBE_HEADER = ["unsubscribe_token", "unsubscribed_at"]
_EMAIL = re.compile(
    r"[^@\s,;<>\"\x00-\x1f\x7f]+@[^@\s,;<>\"\x00-\x1f\x7f]+\.[^@\s,;<>\"\x00-\x1f\x7f]+"
)
MAX_EMAIL = 254  # RFC 5321's longest path, less its angle brackets


def valid_email(text: str) -> bool:
    """An address a message can be sent to: one @, a dotted domain, no spaces or quotes."""
    return len(text) <= MAX_EMAIL and _EMAIL.fullmatch(text) is not None


# A token goes into links and mail headers: letters, digits, - and _ only.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,128}", re.ASCII)


@dataclass(frozen=True)
class Subscription:
    """An active sign-up, as alerts see it."""

    email: str
    nct_id: str | None
    condition: str | None  # a MeSH id, a MeSH term or the registrant's wording
    since: datetime  # its confirmation: it hears of what lands from then on
    key: str  # the sign-up's key in the delivery ledger (a CSV row's token)
    link: str | None = None  # the signed token of its subscriber's unsubscribe page


@dataclass(frozen=True)
class Rejected:
    source_file: str
    line: int
    reason: str


@dataclass
class SubscriptionFiles:
    subscriptions: list[Subscription]
    unsubscribed: dict[str, datetime]  # token -> when
    rejected: list[Rejected]

    def active(self) -> list[Subscription]:
        """Sign-ups not unsubscribed since (a re-sign-up after an unsubscribe counts)."""
        return [
            s
            for s in self.subscriptions
            if s.key not in self.unsubscribed or self.unsubscribed[s.key] < s.since
        ]


def read_subscriptions(
    folder: Path,
    known_trial: Callable[[str], bool],
    known_condition: Callable[[str], bool],
) -> SubscriptionFiles:
    """Every file in ``folder``, validated against what the warehouse knows."""
    out = SubscriptionFiles([], {}, [])
    if not folder.exists():
        return out
    for path in sorted(folder.glob("*.csv")):
        if path.name.startswith("unsubscribes"):
            _read_unsubscribes(path, out)
        else:
            _read_signups(path, out, known_trial, known_condition)
    return out


def _rows(path: Path, header: list[str], out: SubscriptionFiles):
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        first = next(reader, None)
        if [c.strip().lower() for c in first or []] != header:
            out.rejected.append(
                Rejected(path.name, 1, f"header is {first!r}, expected {','.join(header)}")
            )
            return
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                reason = f"{len(row)} fields, expected {len(header)}"
                out.rejected.append(Rejected(path.name, reader.line_num, reason))
                continue
            yield reader.line_num, dict(zip(header, (c.strip() for c in row), strict=True))


def _read_signups(
    path: Path,
    out: SubscriptionFiles,
    known_trial: Callable[[str], bool],
    known_condition: Callable[[str], bool],
) -> None:
    for line, row in _rows(path, SIGNUP_HEADER, out):
        reason = _signup_problem(row, known_trial, known_condition)
        if reason:
            out.rejected.append(Rejected(path.name, line, reason))
            continue
        out.subscriptions.append(
            Subscription(
                email=row["email"].lower(),
                nct_id=row["nct_id"] or None,
                condition=row["condition"] or None,
                since=_timestamp(row["created_at"]),
                key=row["unsubscribe_token"],
            )
        )


def _signup_problem(
    row: dict[str, str],
    known_trial: Callable[[str], bool],
    known_condition: Callable[[str], bool],
) -> str | None:
    if not valid_email(row["email"]):
        # Logs never show an address whole, even a malformed one.
        return f"malformed email {row['email'][:1]!r}..."
    if bool(row["nct_id"]) == bool(row["condition"]):
        return "exactly one of nct_id and condition must be set"
    if row["nct_id"] and not is_nct_id(row["nct_id"]):
        return f"malformed NCT ID {row['nct_id']!r}"
    if row["nct_id"] and not known_trial(row["nct_id"]):
        return f"unknown NCT ID {row['nct_id']}"
    if row["condition"] and not known_condition(row["condition"]):
        return f"unknown condition {row['condition']!r}"
    if not row["unsubscribe_token"]:
        return "no unsubscribe_token"
    if not _TOKEN.fullmatch(row["unsubscribe_token"]):
        return "unsubscribe_token must be 1 to 128 letters, digits, - or _"
    try:
        _timestamp(row["created_at"])
    except ValueError:
        return f"malformed created_at {row['created_at']!r}"
    return None


def _read_unsubscribes(path: Path, out: SubscriptionFiles) -> None:
    for line, row in _rows(path, UNSUBSCRIBE_HEADER, out):
        try:
            when = _timestamp(row["unsubscribed_at"])
        except ValueError:
            out.rejected.append(
                Rejected(path.name, line, f"malformed unsubscribed_at {row['unsubscribed_at']!r}")
            )
            continue
        if not row["unsubscribe_token"]:
            out.rejected.append(Rejected(path.name, line, "no unsubscribe_token"))
            continue
        token = row["unsubscribe_token"]
        out.unsubscribed[token] = max(when, out.unsubscribed.get(token, when))


def _timestamp(text: str) -> datetime:
    """An ISO date or date-time, as naive UTC."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)
