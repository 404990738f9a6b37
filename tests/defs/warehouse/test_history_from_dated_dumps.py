"""History over several dated dumps of the real sample, against an independent reading.

Four daily dumps of all 909 sample studies, in which some trials change: 40 as real
trials did (the registry's history, replayed), others by a site changing its status,
a site added or removed, a new contact phone, a new title, results posted, a status
that reverts, and two trials missing from one dump. They are loaded out of order.
Versions, changes and status runs are then computed here again from the dumps
with plain Python, and compared with the warehouse.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from orchestration.lib.change_patterns import read_histories, replay, stamp, write_jsonl
from orchestration.lib.landing import land_dump
from orchestration.lib.settings import Paths
from tests.conftest import data_dir, query, run_everything

DAYS = [date(2026, 7, 1), date(2026, 7, 2), date(2026, 7, 3), date(2026, 7, 6)]
REPLAYED = 40  # trials that change as real ones did

Record = dict[str, Any]
Series = dict[str, list[Record | None]]  # nct_id -> the record in each day's dump


def _nct(record: Record) -> str:
    return record["protocolSection"]["identificationModule"]["nctId"]


def _edit(series: Series, nct_id: str, from_day: int, change: Callable[[Record], None]) -> None:
    for day in range(from_day, len(DAYS)):
        record = copy.deepcopy(series[nct_id][day])
        change(record)
        series[nct_id][day] = record


def _locations(record: Record) -> list[Record]:
    return record["protocolSection"].get("contactsLocationsModule", {}).get("locations", [])


def build_series(sample: list[Record]) -> Series:
    series: Series = {_nct(r): [stamp(r, day) for day in DAYS] for r in sample}
    histories = sorted(read_histories().values(), key=lambda h: h[0].nct_id)
    for record, history in zip(sample[:REPLAYED], histories, strict=False):
        series[_nct(record)] = replay(record, history, DAYS)
    rest = sample[REPLAYED:]
    with_statuses = [
        r for r in rest if len(_locations(r)) >= 2 and all(x.get("status") for x in _locations(r))
    ]
    with_sites = [r for r in rest if len(_locations(r)) >= 2 and r not in with_statuses]
    with_phones = [
        r
        for r in rest
        if any(
            c.get("phone")
            for c in r["protocolSection"]
            .get("contactsLocationsModule", {})
            .get("centralContacts", [])
        )
        and r not in with_statuses
        and r not in with_sites
    ]
    plain = [r for r in rest if r not in with_statuses + with_sites + with_phones]

    def flip_first_site(record: Record) -> None:
        site = _locations(record)[0]
        site["status"] = "COMPLETED" if site["status"] == "RECRUITING" else "RECRUITING"

    for record in with_statuses[:5]:
        _edit(series, _nct(record), 1, flip_first_site)
    new_site = {
        "facility": "Trialwatch Test Clinic",
        "city": "Lyon",
        "country": "France",
        "status": "NOT_YET_RECRUITING",
    }
    for record in with_sites[:3]:
        nct_id = _nct(record)
        _edit(series, nct_id, 1, lambda r: _locations(r).append(dict(new_site)))
        _edit(series, nct_id, 3, lambda r: _locations(r)[-1].update(status="RECRUITING"))
    for record in with_sites[3:6]:
        _edit(series, _nct(record), 2, lambda r: _locations(r).pop(0))
    for record in with_phones[:3]:

        def new_phone(r: Record) -> None:
            contact = next(
                c
                for c in r["protocolSection"]["contactsLocationsModule"]["centralContacts"]
                if c.get("phone")
            )
            contact["phone"] = "555-0100"

        _edit(series, _nct(record), 2, new_phone)
    for record in plain[:2]:
        nct_id = _nct(record)

        def retitle(r: Record) -> None:
            ident = r["protocolSection"]["identificationModule"]
            ident["briefTitle"] = ident.get("briefTitle", "") + " (revised)"

        _edit(series, nct_id, 1, retitle)
        _edit(
            series,
            nct_id,
            3,
            lambda r: r["protocolSection"]["statusModule"].update(
                resultsFirstPostDateStruct={"date": "2026-07-05", "type": "ACTUAL"}
            ),
        )
    for record in plain[2:4]:  # suspended for a day, then back as it was: a revert
        original = record["protocolSection"]["statusModule"]["overallStatus"]
        _edit(
            series,
            _nct(record),
            1,
            lambda r: r["protocolSection"]["statusModule"].update(overallStatus="SUSPENDED"),
        )
        _edit(
            series,
            _nct(record),
            2,
            lambda r, o=original: r["protocolSection"]["statusModule"].update(overallStatus=o),
        )
    for record in plain[4:6]:
        series[_nct(record)][2] = None
    return series


# --- The independent reading -------------------------------------------------------


def _canonical(record: Record) -> str:
    bare = copy.deepcopy(record)
    bare["derivedSection"]["miscInfoModule"].pop("versionHolder")
    return json.dumps(bare, sort_keys=True)


def versions_of(days: list[Record | None]) -> list[tuple[date, Record]]:
    """(first day seen, record) for each run of one content."""
    runs: list[tuple[date, Record]] = []
    for day, record in zip(DAYS, days, strict=True):
        if record is not None and (not runs or _canonical(runs[-1][1]) != _canonical(record)):
            runs.append((day, record))
    return runs


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
    for site in reversed(_locations(record)):  # the first listing of a site wins
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
        for (_, old), (day, new) in itertools.pairwise(runs):
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
        runs = versions_of(days)
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


@pytest.fixture(scope="module")
def history(
    tmp_path_factory: pytest.TempPathFactory, sample_records: list[dict]
) -> Iterator[tuple[Series, Paths]]:
    series = build_series(sample_records)
    folder = tmp_path_factory.mktemp("dated-dumps")
    dumps = [
        write_jsonl(
            folder / f"dump-{day}.jsonl",
            (days[index] for days in series.values() if days[index] is not None),
        )
        for index, day in enumerate(DAYS)
    ]
    with data_dir(folder) as current:
        for index in (2, 0, 3):
            land_dump(current.landing, dumps[index], as_of=DAYS[index])
        assert run_everything(dumps[1], as_of=DAYS[1].isoformat()).success
        yield series, current


# A site as its trial wrote it (one site may be spelled differently in other trials).
SITE_KEYS = """
    select distinct nct_id, site_id, facility, city, state, country
    from intermediate.int_version_sites
"""


def _site_keys(warehouse: Path) -> dict[tuple[str, str], tuple]:
    return {(nct_id, site_id): tuple(key) for nct_id, site_id, *key in query(warehouse, SITE_KEYS)}


def test_the_series_holds_every_kind_of_change(history: tuple[Series, Paths]) -> None:
    series, _ = history
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


def test_versions_match(history: tuple[Series, Paths]) -> None:
    series, current = history
    expected = sorted(
        (nct_id, number, day)
        for nct_id, days in series.items()
        for number, (day, _) in enumerate(versions_of(days), start=1)
    )
    found = query(
        current.warehouse, "select nct_id, version_number, valid_from from main.trial_versions"
    )
    assert sorted(found) == expected
    trials = query(
        current.warehouse, "select nct_id, first_seen, last_changed, update_count from main.trials"
    )
    assert sorted(trials) == sorted(
        (nct_id, runs[0][0], runs[-1][0], len(runs) - 1)
        for nct_id, runs in ((n, versions_of(d)) for n, d in series.items())
    )


def test_changes_match(history: tuple[Series, Paths]) -> None:
    series, current = history
    sites = _site_keys(current.warehouse)
    rows = query(
        current.warehouse,
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


def test_recruiting_status_matches(history: tuple[Series, Paths]) -> None:
    series, current = history
    sites = _site_keys(current.warehouse)
    rows = query(
        current.warehouse,
        "select nct_id, level, site_id, status, valid_from, valid_to from main.recruiting_status",
    )
    found = {
        (nct_id, level, sites[nct_id, site_id] if site_id else "", status, start, end)
        for nct_id, level, site_id, status, start, end in rows
    }
    assert len(found) == len(rows)
    assert found == expected_status_runs(series)


def test_the_landing_grows_with_changes(history: tuple[Series, Paths]) -> None:
    """A record is stored once per version; an observation once per day it was seen."""
    series, current = history
    contents = {(n, _canonical(r)) for n, days in series.items() for r in days if r is not None}
    seen = sum(r is not None for days in series.values() for r in days)
    assert query(
        current.landing,
        "select (select count(*) from raw_studies), (select count(*) from raw_observations)",
    ) == [(len(contents), seen)]
