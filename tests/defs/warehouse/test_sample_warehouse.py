"""The whole graph on the real sample, checked against the raw JSON read independently."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from orchestration.lib.common.settings import SAMPLE_DUMP, Settings
from tests.support.pipeline import WAREHOUSE, data_copy, query, run_everything

PHASE_NAMES = {"NA": "Not Applicable", "EARLY_PHASE1": "Early Phase 1"}
AGE_UNITS = {"Year": 1, "Month": 1 / 12, "Week": 7 / 365.25, "Day": 1 / 365.25}


def _module(study: dict, name: str) -> dict:
    return study["protocolSection"].get(name, {})


def _locations(study: dict) -> list[dict]:
    return _module(study, "contactsLocationsModule").get("locations", [])


def _count(warehouse: Settings, table: str) -> int:
    return query(warehouse, f"select count(*) from main.{table}")[0][0]


def test_row_counts_match_the_raw_sample(sample_warehouse: Settings, sample_records: list[dict]):
    locations = [loc for s in sample_records for loc in _locations(s)]
    meshes = {
        (s["protocolSection"]["identificationModule"]["nctId"], m["id"])
        for s in sample_records
        for key in ("meshes", "ancestors")
        for m in s.get("derivedSection", {}).get("conditionBrowseModule", {}).get(key, [])
    }
    contacts = sum(
        len(_module(s, "contactsLocationsModule").get("centralContacts", []))
        + sum(len(loc.get("contacts", [])) for loc in _locations(s))
        for s in sample_records
    )
    expected = {
        "trials": len(sample_records),
        "trial_sites": len(locations),
        "trial_conditions": sum(
            len(_module(s, "conditionsModule").get("conditions", [])) for s in sample_records
        ),
        "interventions": sum(
            len(_module(s, "armsInterventionsModule").get("interventions", []))
            for s in sample_records
        ),
        "sponsors": sum(
            1 + len(_module(s, "sponsorCollaboratorsModule").get("collaborators", []))
            for s in sample_records
        ),
        "contacts": contacts,
        "trial_condition_terms": len(meshes),
        "conditions": len({mesh_id for _, mesh_id in meshes}),
        "trial_condition_branches": len(
            {
                (s["protocolSection"]["identificationModule"]["nctId"], b["abbrev"])
                for s in sample_records
                for b in s.get("derivedSection", {})
                .get("conditionBrowseModule", {})
                .get("browseBranches", [])
                if b["abbrev"] != "All"
            }
        ),
    }
    actual = {table: _count(sample_warehouse, table) for table in expected}
    assert actual == expected
    # The figures the issue states for the sample.
    assert (actual["trials"], actual["trial_sites"]) == (909, 4810)
    with_status = query(
        sample_warehouse,
        "select count(*) from main.trial_sites where site_status is not null",
    )[0][0]
    assert with_status == sum(1 for loc in locations if loc.get("status")) == 957


def _phase(study: dict) -> str | None:
    phases = _module(study, "designModule").get("phases", [])
    names = [PHASE_NAMES.get(p, "Phase " + p.removeprefix("PHASE")) for p in phases]
    return "/".join(names) or None


def _partial(text: str | None) -> tuple[date | None, str | None]:
    if not text:
        return None, None
    parts = text.split("-")
    padded = [*parts, "01", "01"][:3]
    return date(*map(int, padded)), {1: "year", 2: "month", 3: "day"}[len(parts)]


def _age(text: str | None) -> float | None:
    if not text:
        return None
    number, unit = text.split()
    return round(int(number) * AGE_UNITS[unit.rstrip("s")], 4)


def test_trial_values_match_the_raw_sample(sample_warehouse: Settings, sample_records: list[dict]):
    rows = query(
        sample_warehouse,
        """
        select nct_id, brief_title, overall_status, phase, enrollment_count, start_date,
            start_date_precision, completion_date, completion_date_precision,
            last_update_posted_date, lead_sponsor_name, has_results, minimum_age_years,
            maximum_age_years
        from main.trials
        """,
    )
    actual = {row[0]: row[1:] for row in rows}
    for study in sample_records:
        status = _module(study, "statusModule")
        eligibility = _module(study, "eligibilityModule")
        nct_id = study["protocolSection"]["identificationModule"]["nctId"]
        expected = (
            study["protocolSection"]["identificationModule"]["briefTitle"],
            status["overallStatus"],
            _phase(study),
            _module(study, "designModule").get("enrollmentInfo", {}).get("count"),
            *_partial(status.get("startDateStruct", {}).get("date")),
            *_partial(status.get("completionDateStruct", {}).get("date")),
            date.fromisoformat(status["lastUpdatePostDateStruct"]["date"]),
            _module(study, "sponsorCollaboratorsModule")["leadSponsor"]["name"],
            study["hasResults"],
            _age(eligibility.get("minimumAge")),
            _age(eligibility.get("maximumAge")),
        )
        assert actual[nct_id] == pytest.approx(expected), nct_id


def test_partial_dates_are_all_kept(sample_warehouse: Settings, sample_records: list[dict]):
    month_precision = sum(
        1
        for s in sample_records
        if re.fullmatch(
            r"\d{4}-\d{2}", _module(s, "statusModule").get("startDateStruct", {}).get("date", "")
        )
    )
    assert month_precision > 0
    assert query(
        sample_warehouse,
        "select count(*) from main.trials where start_date_precision = 'month'",
    ) == [(month_precision,)]


def test_sites_are_shared_across_trials(sample_warehouse: Settings, sample_records: list[dict]):
    """Listings of one facility, spelled identically in several trials, are one site."""
    listings: dict[tuple, list[tuple[str, int]]] = {}
    for study in sample_records:
        nct_id = study["protocolSection"]["identificationModule"]["nctId"]
        for ordinal, loc in enumerate(_locations(study), start=1):
            if loc.get("facility"):
                key = (loc["facility"], loc.get("city"), loc.get("state"), loc.get("country"))
                listings.setdefault(key, []).append((nct_id, ordinal))
    site_of = dict(
        ((nct_id, ordinal), site_id)
        for nct_id, ordinal, site_id in query(
            sample_warehouse, "select nct_id, ordinal, site_id from main.trial_sites"
        )
    )
    shared = {key: places for key, places in listings.items() if len({n for n, _ in places}) > 1}
    assert len(shared) > 10, "the sample has facilities listed by several trials"
    for key, places in shared.items():
        assert len({site_of[place] for place in places}) == 1, key
    trial_counts = dict(query(sample_warehouse, "select site_id, trial_count from main.sites"))
    for places in shared.values():
        assert trial_counts[site_of[places[0]]] >= len({n for n, _ in places})
    # Unnamed locations are never merged across trials.
    unnamed = query(
        sample_warehouse,
        """
        select site_id from main.trial_sites join main.sites using (site_id)
        where sites.facility is null group by site_id having count(distinct nct_id) > 1
        """,
    )
    assert unnamed == []


def test_dbt_tests_ran_as_asset_checks(sample_warehouse: Settings) -> None:
    from orchestration.definitions import defs

    checks = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    assert any(name.startswith("primary_key_trials_") for name in checks)
    assert any(name.startswith("relationships_trial_sites_site_id") for name in checks)
    assert "last_load_quarantined_nothing" in checks


def test_a_reload_adds_nothing(sample_warehouse: Settings, tmp_path: Path) -> None:
    tables = ["trials", "trial_sites", "sites", "contacts", "conditions", "quarantine"]
    landing_sql = (
        "select (select count(*) from raw_studies), (select count(*) from raw_observations)"
    )
    marts_sql = " union all ".join(f"select '{t}', count(*) from main.{t}" for t in tables)
    hashes_sql = "select nct_id, content_hash from main.trials order by nct_id"
    with data_copy(sample_warehouse, tmp_path / "data") as current:
        before = [
            query(current.landing, landing_sql),
            query(current, marts_sql),
            query(current, hashes_sql),
        ]
        assert run_everything(SAMPLE_DUMP, up_to=WAREHOUSE).success
        after = [
            query(current.landing, landing_sql),
            query(current, marts_sql),
            query(current, hashes_sql),
        ]
    assert after == before
    assert before[0] == [(909, 909)]


def test_one_version_per_trial_first_seen_on_its_stamp(
    sample_warehouse: Settings, sample_records: list[dict]
) -> None:
    expected = {
        s["protocolSection"]["identificationModule"]["nctId"]: (
            date.fromisoformat(s["derivedSection"]["miscInfoModule"]["versionHolder"]),
            0,
        )
        for s in sample_records
    }
    actual = {
        nct_id: (first_seen, update_count)
        for nct_id, first_seen, update_count in query(
            sample_warehouse, "select nct_id, first_seen, update_count from main.trials"
        )
    }
    assert actual == expected
    assert _count(sample_warehouse, "trial_versions") == len(sample_records)
