"""Dated dumps of the real sample in which trials change as real ones do.

Four daily dumps of all 909 sample studies, in which some trials change: 40 as real
trials did (the registry's history, replayed), others by a site changing its status,
a site added or removed, a new contact phone, a new title, results posted, a status
that reverts, and two trials missing from one dump. The session fixture
`dated_history` (in conftest) loads them out of order in three incremental builds
(the site is built after the first and the last); history and trend tests each read
them again independently, and the incremental build's test compares the warehouse and
the site with full rebuilds.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from orchestration.lib.common.settings import Settings
from orchestration.lib.ingest.landing import land_dump
from orchestration.testing.change_patterns import (
    last_posted,
    posted_on,
    read_histories,
    replay,
    stamp,
    write_jsonl,
)
from tests.support.pipeline import WAREHOUSE, data_dir, run_everything
from tests.support.records import nct

DAYS = [date(2026, 7, 1), date(2026, 7, 2), date(2026, 7, 3), date(2026, 7, 6)]
REPLAYED = 40  # trials that change as real ones did
SITE = "site_published"

Record = dict[str, Any]
Series = dict[str, list[Record | None]]  # nct_id -> the record in each day's dump


def _edit(series: Series, nct_id: str, from_day: int, change: Callable[[Record], None]) -> None:
    for day in range(from_day, len(DAYS)):
        record = copy.deepcopy(series[nct_id][day])
        change(record)
        series[nct_id][day] = record


def overall_status(record: Record) -> str | None:
    return record["protocolSection"]["statusModule"].get("overallStatus")


def locations(record: Record) -> list[Record]:
    return record["protocolSection"].get("contactsLocationsModule", {}).get("locations", [])


def build_series(sample: list[Record]) -> Series:
    series: Series = {nct(r): [stamp(r, day) for day in DAYS] for r in sample}
    histories = sorted(read_histories().values(), key=lambda h: h[0].nct_id)
    for record, history in zip(sample[:REPLAYED], histories, strict=False):
        series[nct(record)] = replay(record, history, DAYS)
    rest = sample[REPLAYED:]
    with_statuses = [
        r for r in rest if len(locations(r)) >= 2 and all(x.get("status") for x in locations(r))
    ]
    with_sites = [r for r in rest if len(locations(r)) >= 2 and r not in with_statuses]
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
        site = locations(record)[0]
        site["status"] = "COMPLETED" if site["status"] == "RECRUITING" else "RECRUITING"

    for record in with_statuses[:5]:
        _edit(series, nct(record), 1, flip_first_site)
    new_site = {
        "facility": "Trialwatch Test Clinic",
        "city": "Lyon",
        "country": "France",
        "status": "NOT_YET_RECRUITING",
    }
    for record in with_sites[:3]:
        nct_id = nct(record)
        _edit(series, nct_id, 1, lambda r: locations(r).append(dict(new_site)))
        _edit(series, nct_id, 3, lambda r: locations(r)[-1].update(status="RECRUITING"))
    for record in with_sites[3:6]:
        _edit(series, nct(record), 2, lambda r: locations(r).pop(0))
    for record in with_phones[:3]:

        def new_phone(r: Record) -> None:
            contact = next(
                c
                for c in r["protocolSection"]["contactsLocationsModule"]["centralContacts"]
                if c.get("phone")
            )
            contact["phone"] = "555-0100"

        _edit(series, nct(record), 2, new_phone)
    for record in plain[:2]:
        nct_id = nct(record)

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
            nct(record),
            1,
            lambda r: r["protocolSection"]["statusModule"].update(overallStatus="SUSPENDED"),
        )
        _edit(
            series,
            nct(record),
            2,
            lambda r, o=original: r["protocolSection"]["statusModule"].update(overallStatus=o),
        )
    for record in plain[4:6]:
        series[nct(record)][2] = None
    return {nct_id: posted_when_shown(days) for nct_id, days in series.items()}


def _content(record: Record) -> str:
    """A record's content but for the registry's dates of it (its posting, its stamp)."""
    bare = json.loads(canonical(record))
    status = bare["protocolSection"]["statusModule"]
    status.pop("lastUpdatePostDateStruct", None)
    status.pop("lastUpdateSubmitDate", None)
    return json.dumps(bare, sort_keys=True)


def posted_when_shown(days: list[Record | None]) -> list[Record | None]:
    """The records dated as the registry dates them: each new content posted on the day
    it is first shown (the first keeps its own date, from before the first dump)."""
    out: list[Record | None] = []
    shown: tuple[str, date] | None = None  # (content, its posting date)
    for day, record in zip(DAYS, days, strict=True):
        if record is not None:
            if shown is None:
                shown = (_content(record), last_posted(record))
            elif shown[0] != _content(record):
                shown = (_content(record), day)
            record = posted_on(copy.deepcopy(record), shown[1])
        out.append(record)
    return out


def load_dated_dumps(series: Series, folder: Path) -> Settings:
    """Write one dump per day and build them as daily runs would, out of order: the third
    day first, then the first (a backdated dump), then the fourth landed twice (a reload)
    with a dump whose bad record is quarantined, all three built in one run with the
    second day's. Every build after the first is incremental."""
    dumps = [
        write_jsonl(
            folder / f"dump-{day}.jsonl",
            (days[index] for days in series.values() if days[index] is not None),
        )
        for index, day in enumerate(DAYS)
    ]
    # A truncated record beside a good one (seen the same day, so nothing new).
    bad = folder / "dump-bad.jsonl"
    with dumps[3].open() as fourth:
        bad.write_text('{"protocolSection": {"nctId": "NCT0\n' + next(fourth))
    with data_dir(folder) as current:
        # The site is built on the first day and next on the last, from two loads later.
        for index, up_to in ((2, SITE), (0, WAREHOUSE)):
            assert run_everything(dumps[index], DAYS[index].isoformat(), up_to=up_to).success
        for dump in (dumps[3], dumps[3], bad):
            land_dump(current.landing, dump, as_of=DAYS[3])
        assert run_everything(dumps[1], as_of=DAYS[1].isoformat()).success
        return current


# --- Reading the dumps back ---------------------------------------------------------


def canonical(record: Record) -> str:
    bare = copy.deepcopy(record)
    bare["derivedSection"]["miscInfoModule"].pop("versionHolder")
    return json.dumps(bare, sort_keys=True)


def versions_of(days: list[Record | None]) -> list[tuple[date, Record]]:
    """(first day seen, record) for each run of one content."""
    runs: list[tuple[date, Record]] = []
    for day, record in zip(DAYS, days, strict=True):
        if record is not None and (not runs or canonical(runs[-1][1]) != canonical(record)):
            runs.append((day, record))
    return runs


def record_on(days: list[Record | None], day: date) -> Record | None:
    """The record a trial had in the registry on a day: the last version posted on or
    before it."""
    posted = [r for _, r in versions_of(days) if last_posted(r) <= day]
    return posted[-1] if posted else None


def current(days: list[Record | None]) -> Record:
    return next(r for r in reversed(days) if r is not None)


def trial_status_on(series: Series, day: date) -> dict[str, str]:
    statuses = {}
    for nct_id, days in series.items():
        record = record_on(days, day)
        if record is None:
            statuses[nct_id] = "NOT_YET_SEEN"
        else:
            statuses[nct_id] = overall_status(record)
    return statuses


def _site_key(site: Record) -> tuple:
    return tuple(site.get(k) for k in ("facility", "city", "state", "country"))


def recruiting_sites(record: Record | None) -> set[tuple]:
    """Sites recruiting in a record; a site listed twice counts as first listed."""
    statuses: dict[tuple, str | None] = {}
    for site in locations(record or {}):
        statuses.setdefault(_site_key(site), site.get("status"))
    return {key for key, status in statuses.items() if status == "RECRUITING"}
