"""Trend marts against independent readings: recruiting activity and status transitions
over the dated dumps (tests/support/dated_dumps.py), the yearly long run over the sample.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from orchestration.lib.common.lake import open_lake
from orchestration.lib.common.settings import Settings
from orchestration.lib.reports.trend_queries import TrendFilter, recruiting_by_day
from tests.support.dated_dumps import (
    DAYS,
    Record,
    Series,
    current,
    locations,
    overall_status,
    record_on,
    recruiting_sites,
    trial_status_on,
)
from tests.support.pipeline import query

DIMENSIONS = ("all", "condition", "phase", "sponsor_class", "country", "us_state")
PHASES = {"NA": "Not Applicable", "EARLY_PHASE1": "Early Phase 1"}


def _calendar() -> list[date]:
    return [DAYS[0] + timedelta(days=n) for n in range((DAYS[-1] - DAYS[0]).days + 1)]


def trial_segments(record: Record) -> set[tuple[str, str]]:
    protocol = record["protocolSection"]
    sponsor = protocol.get("sponsorCollaboratorsModule", {}).get("leadSponsor", {})
    browse = record.get("derivedSection", {}).get("conditionBrowseModule", {})
    phases = [
        PHASES.get(p, p.replace("PHASE", "Phase "))
        for p in protocol.get("designModule", {}).get("phases", [])
    ]
    found = {
        ("all", "All trials"),
        ("sponsor_class", sponsor.get("class") or "Not given"),
        ("phase", "/".join(phases) or "No phase given"),
    }
    found |= {
        ("condition", m["term"]) for m in browse.get("meshes", []) + browse.get("ancestors", [])
    }
    for site in locations(record):
        if site.get("country"):
            found.add(("country", site["country"]))
        if site.get("country") == "United States" and site.get("state"):
            found.add(("us_state", site["state"]))
    return found


def site_segments(trial: set[tuple[str, str]], site: tuple) -> set[tuple[str, str]]:
    """A site's country and state are its own; its other segments are its trial's."""
    _, _, state, country = site
    found = {s for s in trial if s[0] not in ("country", "us_state")}
    if country:
        found.add(("country", country))
    if country == "United States" and state:
        found.add(("us_state", state))
    return found


def expected_activity(series: Series) -> set[tuple]:
    """(period, start, dimension, segment, trials recruiting/opened/closed, sites ...)."""
    calendar = _calendar()
    # (dimension, segment) -> day -> [trials recruiting, opened, closed, sites ...]
    counts: dict[tuple[str, str], dict[date, list[int]]] = defaultdict(
        lambda: {day: [0] * 6 for day in calendar}
    )
    first_recruiting: dict[tuple[str, str], date] = {}
    for days in series.values():
        segments = trial_segments(current(days))
        before_trial, before_sites = False, set()
        for day in calendar:
            record = record_on(days, day)
            trial = record is not None and overall_status(record) == "RECRUITING"
            sites = recruiting_sites(record)
            later = day > calendar[0]
            moves = [(segments, 0, trial, before_trial)]
            moves += [(site_segments(segments, s), 3, True, s in before_sites) for s in sites]
            moves += [(site_segments(segments, s), 3, False, True) for s in before_sites - sites]
            for where, offset, now, then in moves:
                for segment in where:
                    row = counts[segment][day]
                    row[offset] += now
                    row[offset + 1] += now and not then and later
                    row[offset + 2] += then and not now
                    if now:
                        first_recruiting[segment] = min(first_recruiting.get(segment, day), day)
            before_trial, before_sites = trial, sites
    rows = set()
    for segment, by_day in counts.items():
        if segment not in first_recruiting:
            continue
        days = [d for d in calendar if d >= first_recruiting[segment]]
        for day in days:
            rows.add(("day", day, *segment, *by_day[day]))
        for monday in sorted({d - timedelta(days=d.weekday()) for d in days}):
            week = [d for d in days if monday <= d < monday + timedelta(days=7)]
            last = by_day[week[-1]]
            sums = [sum(by_day[d][i] for d in week) for i in range(6)]
            rows.add(
                ("week", monday, *segment, last[0], sums[1], sums[2], last[3], sums[4], sums[5])
            )
    return rows


def test_recruiting_activity_matches(dated_history: tuple[Series, Settings]) -> None:
    series, built = dated_history
    found = set(
        query(
            built,
            """
            select period, period_start, dimension, segment, trials_recruiting, trials_opened,
                trials_closed, sites_recruiting, sites_opened, sites_closed
            from main.recruiting_activity
            where list_contains(?, dimension)
            """,
            [list(DIMENSIONS)],
        )
    )
    expected = expected_activity(series)
    assert found == expected
    # The dumps move: trials and sites open and close after the first day.
    days = [row for row in expected if row[0] == "day" and row[2] == "all"]
    assert all(sum(row[i] for row in days) for i in (5, 6, 8, 9))


@pytest.mark.parametrize(
    ("before", "after"), [(DAYS[0], DAYS[-1]), (date(2026, 6, 30), DAYS[1]), (DAYS[1], DAYS[2])]
)
def test_status_transitions_between_two_days(
    dated_history: tuple[Series, Settings], before: date, after: date
) -> None:
    series, built = dated_history
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    was, now = trial_status_on(series, before), trial_status_on(series, after)
    for nct_id in was:
        pairs[was[nct_id], now[nct_id]] += 1
    found = query(built, "select * from status_transitions(?, ?)", [before, after])
    assert {(a, b): n for a, b, n in found} == pairs
    assert any(a != b for a, b in pairs)


# --- The long run, over the sample ---------------------------------------------------


def _year(value: str | None) -> int | None:
    return int(value[:4]) if value else None


def _date_of(status: Record, key: str) -> tuple[int | None, str | None]:
    struct = status.get(key) or {}
    return _year(struct.get("date")), struct.get("type")


def expected_years(records: list[Record], last_year: int) -> dict[tuple, tuple]:
    counts: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, 0, 0, []])
    segments_seen = set()
    for record in records:
        status = record["protocolSection"]["statusModule"]
        posted = _year(status.get("studyFirstPostDateStruct", {}).get("date"))
        start, start_type = _date_of(status, "startDateStruct")
        completion, completion_type = _date_of(status, "completionDateStruct")
        until = (
            completion
            or _date_of(status, "primaryCompletionDateStruct")[0]
            or _year(status.get("lastUpdatePostDateStruct", {}).get("date"))
        )
        started = start if start_type == "ACTUAL" else None
        enrollment = (
            record["protocolSection"].get("designModule", {}).get("enrollmentInfo", {}).get("count")
        )
        for segment in trial_segments(record):
            segments_seen.add(segment)
            for year in range(2000, last_year + 1):
                row = counts[(year, *segment)]
                row[0] += posted == year
                row[1] += start == year
                row[2] += started == year
                row[3] += completion_type == "ACTUAL" and completion == year
                row[4] += started is not None and until is not None and started <= year <= until
                if start == year and enrollment is not None:
                    row[5].append(enrollment)
    return {
        key: (
            *row[:5],
            sum(row[5]) if row[5] else None,
            float(statistics.median(row[5])) if row[5] else None,
        )
        for key, row in counts.items()
    }


@pytest.fixture(scope="module")
def yearly(sample_warehouse: Settings) -> Iterator[dict[tuple, tuple]]:
    rows = query(
        sample_warehouse,
        """
        select year, dimension, segment, trials_first_posted, trials_starting, trials_started,
            trials_completed, trials_underway, enrollment_total, enrollment_median
        from main.trial_activity_by_year
        """,
    )
    yield {tuple(row[:3]): tuple(row[3:]) for row in rows}


def test_yearly_activity_matches_the_sample(yearly: dict, sample_records: list[Record]) -> None:
    last_year = max(key[0] for key in yearly)
    expected = expected_years(sample_records, last_year)
    assert yearly == expected
    everything = [expected[(y, "all", "All trials")] for y in range(2000, last_year + 1)]
    assert sum(row[0] for row in everything) > 800  # nearly every sample trial posted since 2000
    assert max(row[4] for row in everything) > 100


def test_dashboard_filters_combine(dated_history: tuple[Series, Settings]) -> None:
    """A condition and a country together: trials in both, and only that country's sites."""
    series, built = dated_history
    terms = Counter(
        segment for days in series.values() for segment in trial_segments(current(days))
    )
    condition = max((n, s[1]) for s, n in terms.items() if s[0] == "condition")[1]
    chosen = {("condition", condition), ("country", "United States")}
    expected = []
    for day in _calendar():
        trials = sites = 0
        for days in series.values():
            if not chosen <= trial_segments(current(days)):
                continue
            record = record_on(days, day)
            trials += record is not None and overall_status(record) == "RECRUITING"
            sites += sum(key[3] == "United States" for key in recruiting_sites(record))
        expected.append((day, trials, sites))
    with open_lake(built) as con:
        found = recruiting_by_day(con, TrendFilter(condition=condition, country="United States"))
    assert found.rows() == expected
    assert expected[-1][1] > 0 and expected[-1][2] > 0
