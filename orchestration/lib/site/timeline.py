"""A trial's history in plain words, for its page: its overall status over time, and
the sites that opened and closed, month by month.

Read from the trial's changes (``trial_changes``, dated by the registry), so after a
history backfill it goes back to the trial's first posting. A site opens when it is
added or starts recruiting, and closes when it is removed or stops recruiting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from orchestration.lib.common.labels import label

# The months a page shows, the latest: a short timeline, not the whole record.
MONTHS = 12


def timeline(changes: Iterable[Mapping[str, Any]], months: int = MONTHS) -> list[dict[str, str]]:
    """One entry per month something happened, oldest first, at most ``months`` (the
    latest): ``{"month": "2019-06", "label": "Jun 2019", "text": "Recruiting; 2 sites
    opened"}``. ``changes`` are trial_changes rows (changed_on, field, old_value,
    new_value) in any order."""
    by_month: dict[date, dict[str, Any]] = {}
    for change in sorted(changes, key=lambda c: c["changed_on"]):
        month = change["changed_on"].replace(day=1)
        entry = by_month.setdefault(month, {"status": None, "opened": 0, "closed": 0})
        field, old, new = change["field"], change["old_value"], change["new_value"]
        if field == "overall_status" and new:
            entry["status"] = new
        elif field == "site":
            entry["opened" if new is not None else "closed"] += 1
        elif field == "site_status" and (new == "RECRUITING") != (old == "RECRUITING"):
            entry["opened" if new == "RECRUITING" else "closed"] += 1
    entries = []
    for month, entry in sorted(by_month.items()):
        words = [label(entry["status"])] if entry["status"] else []
        words += [_sites(entry["opened"], "opened"), _sites(entry["closed"], "closed")]
        if text := "; ".join(w for w in words if w):
            entries.append({"month": f"{month:%Y-%m}", "label": f"{month:%b %Y}", "text": text})
    return entries[-months:]


def _sites(count: int, what: str) -> str:
    if not count:
        return ""
    return f"{count} site {what}" if count == 1 else f"{count} sites {what}"
