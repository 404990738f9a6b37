"""History over several dated dumps of the real sample (tests/support/dated_dumps.py), against
an independent reading: versions, changes and status runs are computed here again from
the dumps with plain Python, and compared with the warehouse.
"""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path
from typing import Any

from orchestration.lib.common.settings import Settings
from orchestration.testing.change_patterns import last_posted
from tests.support.dated_dumps import (
    Record,
    Series,
    canonical,
    locations,
    versions_of,
)
from tests.support.pipeline import query

# --- The independent reading -------------------------------------------------------


def _get(record: Record, *path: str) -> Any:
    for key in path:
        record = record.get(key) if isinstance(record, dict) else None
    return record


def facts(record: Record) -> dict[tuple[str, Any], Any]:
    """Every field a change is reported on: (field, item) -> value; members map to True."""
    status = ("protocolSection", "statusModule")
    values = {
        "overall_status": _get(record, *status, "overallStatus"),
        "why_stopped": _get(record, *status, "whyStopped"),
        "start_date": _get(record, *status, "startDateStruct", "date"),
        "start_date_type": _get(record, *status, "startDateStruct", "type"),
        "primary_completion_date": _get(record, *status, "primaryCompletionDateStruct", "date"),
        "primary_completion_date_type": _get(
            record, *status, "primaryCompletionDateStruct", "type"
        ),
        "completion_date": _get(record, *status, "completionDateStruct", "date"),
        "completion_date_type": _get(record, *status, "completionDateStruct", "type"),
        "results_first_posted_date": _get(record, *status, "resultsFirstPostDateStruct", "date"),
        "brief_title": _get(record, "protocolSection", "identificationModule", "briefTitle"),
        "official_title": _get(record, "protocolSection", "identificationModule", "officialTitle"),
        "enrollment_type": _get(
            record, "protocolSection", "designModule", "enrollmentInfo", "type"
        ),
        "eligibility_criteria": _get(
            record, "protocolSection", "eligibilityModule", "eligibilityCriteria"
        ),
        "sex": _get(record, "protocolSection", "eligibilityModule", "sex"),
        "minimum_age": _get(record, "protocolSection", "eligibilityModule", "minimumAge"),
        "maximum_age": _get(record, "protocolSection", "eligibilityModule", "maximumAge"),
    }
    count = _get(record, "protocolSection", "designModule", "enrollmentInfo", "count")
    values["enrollment_count"] = None if count is None else str(count)
    phases = _get(record, "protocolSection", "designModule", "phases") or []
    values["phases"] = ", ".join(phases) or None
    volunteers = _get(record, "protocolSection", "eligibilityModule", "healthyVolunteers")
    values["healthy_volunteers"] = None if volunteers is None else str(volunteers).lower()
    out: dict[tuple[str, Any], Any] = {(field, ""): value for field, value in values.items()}
    for site in reversed(locations(record)):  # the first listing of a site wins
        key = tuple(site.get(k) for k in ("facility", "city", "state", "country"))
        out[("site", key)] = site.get("facility")
        out[("site_status", key)] = site.get("status")
    contacts = _get(record, "protocolSection", "contactsLocationsModule", "centralContacts") or []
    for contact in reversed(contacts):
        name = contact.get("name")
        out[("contact", name)] = contact.get("role")
        out[("contact_details", name)] = (
            contact.get("phone"),
            contact.get("phoneExt"),
            contact.get("email"),
        )
    for name in _get(record, "protocolSection", "conditionsModule", "conditions") or []:
        out[("condition", name)] = name
    return out


MEMBERS = {"site", "contact", "condition"}


def expected_changes(series: Series) -> set[tuple]:
    found = set()
    for nct_id, days in series.items():
        runs = versions_of(days)
        for (_, old), (_, new) in itertools.pairwise(runs):
            day = last_posted(new)
            before, after = facts(old), facts(new)
            for field, item in before.keys() | after.keys():
                key = (field, item)
                if field in MEMBERS and (key in before) != (key in after):
                    pass
                elif field not in MEMBERS and key in before and key in after:
                    if before[key] == after[key]:
                        continue
                else:
                    continue
                hidden = field == "contact_details"
                found.add(
                    (
                        nct_id,
                        day,
                        field,
                        item,
                        None if hidden else before.get(key),
                        None if hidden else after.get(key),
                    )
                )
    return found


def expected_status_runs(series: Series) -> set[tuple]:
    found = set()
    for nct_id, days in series.items():
        runs = [(last_posted(record), record) for _, record in versions_of(days)]
        states: dict[tuple[str, Any], list[tuple[int, date, str | None]]] = {}
        for number, (day, record) in enumerate(runs):
            for (field, item), value in facts(record).items():
                if field in ("overall_status", "site_status"):
                    level = "trial" if field == "overall_status" else "site"
                    states.setdefault((level, item), []).append((number, day, value))
        ends = [day for day, _ in runs[1:]] + [None]
        for (level, item), seen in states.items():
            start = None
            for position, (number, day, value) in enumerate(seen):
                previous = seen[position - 1] if position else None
                if previous is None or previous[0] != number - 1 or previous[2] != value:
                    start = day
                following = seen[position + 1] if position + 1 < len(seen) else None
                ends_here = following is None or following[0] != number + 1 or following[2] != value
                if ends_here and value is not None:
                    found.add((nct_id, level, item, value, start, ends[number]))
    return found


# --- The warehouse -----------------------------------------------------------------


# A site as its trial wrote it (one site may be spelled differently in other trials).
SITE_KEYS = """
    select distinct nct_id, site_id, facility, city, state, country
    from intermediate.int_version_sites
"""


def _site_keys(warehouse: Path) -> dict[tuple[str, str], tuple]:
    return {(nct_id, site_id): tuple(key) for nct_id, site_id, *key in query(warehouse, SITE_KEYS)}


def test_the_series_holds_every_kind_of_change(dated_history: tuple[Series, Settings]) -> None:
    series, _ = dated_history
    fields = {change[2] for change in expected_changes(series)}
    assert {
        "overall_status",
        "site",
        "site_status",
        "contact_details",
        "brief_title",
        "results_first_posted_date",
        "enrollment_count",
        "primary_completion_date",
        "eligibility_criteria",
    } <= fields


def test_versions_match(dated_history: tuple[Series, Settings]) -> None:
    series, current = dated_history
    expected = sorted(
        (nct_id, number, last_posted(record))
        for nct_id, days in series.items()
        for number, (_, record) in enumerate(versions_of(days), start=1)
    )
    found = query(current, "select nct_id, version_number, valid_from from main.trial_versions")
    assert sorted(found) == expected
    trials = query(
        current, "select nct_id, first_seen, last_changed, update_count from main.trials"
    )
    assert sorted(trials) == sorted(
        (nct_id, runs[0][0], last_posted(runs[-1][1]), len(runs) - 1)
        for nct_id, runs in ((n, versions_of(d)) for n, d in series.items())
    )


def test_changes_match(dated_history: tuple[Series, Settings]) -> None:
    series, current = dated_history
    sites = _site_keys(current)
    rows = query(
        current,
        """
        select nct_id, changed_on, field, item_key, item, site_id, old_value, new_value
        from main.trial_changes
        """,
    )
    found = set()
    for nct_id, day, field, item_key, item, site_id, old, new in rows:
        if site_id is not None:
            key: Any = sites[nct_id, site_id]
        elif field in ("contact", "contact_details", "condition"):
            key = item
        else:
            key = item_key
        found.add((nct_id, day, field, key, old, new))
    assert len(found) == len(rows)
    assert found == expected_changes(series)


def test_recruiting_status_matches(dated_history: tuple[Series, Settings]) -> None:
    series, current = dated_history
    sites = _site_keys(current)
    rows = query(
        current,
        "select nct_id, level, site_id, status, valid_from, valid_to from main.recruiting_status",
    )
    found = {
        (nct_id, level, sites[nct_id, site_id] if site_id else "", status, start, end)
        for nct_id, level, site_id, status, start, end in rows
    }
    assert len(found) == len(rows)
    assert found == expected_status_runs(series)


def test_the_landing_grows_with_changes(dated_history: tuple[Series, Settings]) -> None:
    """A record is stored once per version; an observation once per day it was seen."""
    series, current = dated_history
    contents = {(n, canonical(r)) for n, days in series.items() for r in days if r is not None}
    seen = sum(r is not None for days in series.values() for r in days)
    assert query(
        current.landing,
        "select (select count(*) from raw_studies), (select count(*) from raw_observations)",
    ) == [(len(contents), seen)]
