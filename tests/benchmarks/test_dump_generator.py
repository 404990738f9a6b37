"""Benchmark dumps: the bulk-download layout, varied like the registry, changing like it."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from benchmarks.dump_generator import RECRUITING_STATES, Generator, daily_dump, full_dump
from orchestration.lib.ingest.landing import land_dump
from tests.support.pipeline import query

SIZE = 1_000


@pytest.fixture(scope="module")
def dumps(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Generator]:
    folder = tmp_path_factory.mktemp("bench")
    generator = Generator(seed=7)
    day_0 = full_dump(folder / "day-0.zip", SIZE, generator)
    day_1 = daily_dump(folder / "day-1.zip", 1, SIZE, 50, generator)
    return day_0, day_1, generator


def records(dump: Path) -> dict[str, dict]:
    with zipfile.ZipFile(dump) as archive:
        return {name: json.loads(archive.read(name)) for name in archive.namelist()}


def test_the_full_dump_is_the_bulk_layout_of_distinct_studies(dumps) -> None:
    day_0, _, generator = dumps
    studies = records(day_0)
    assert len(studies) == SIZE
    for name, record in studies.items():
        assert name == record["protocolSection"]["identificationModule"]["nctId"] + ".json"
    assert generator.study(123) == generator.study(123)  # a pure function of its index


def test_studies_vary_as_the_registry_does(dumps, sample_records: list[dict]) -> None:
    day_0, _, _ = dumps
    studies = list(records(day_0).values())
    statuses = Counter(s["protocolSection"]["statusModule"]["overallStatus"] for s in studies)
    sample_statuses = Counter(
        s["protocolSection"]["statusModule"]["overallStatus"] for s in sample_records
    )
    # The sample's mix of statuses, within sampling error.
    for status, count in sample_statuses.most_common(3):
        assert abs(statuses[status] / SIZE - count / len(sample_records)) < 0.05, status

    # Sites are shared across trials: the busiest centre is in many more trials than in
    # the sample, where each trial lists its own.
    def busiest(trials: list[dict]) -> int:
        per_site = Counter(
            (site.get("facility"), site.get("city"))
            for trial in trials
            for site in {
                (loc.get("facility"), loc.get("city")): loc
                for loc in trial["protocolSection"]
                .get("contactsLocationsModule", {})
                .get("locations", [])
            }.values()
        )
        return per_site.most_common(1)[0][1]

    assert busiest(studies) > 3 * busiest(sample_records)
    # Sites carry a status only while their trial recruits.
    for study in studies:
        recruiting = study["protocolSection"]["statusModule"]["overallStatus"] in RECRUITING_STATES
        for site in (
            study["protocolSection"].get("contactsLocationsModule", {}).get("locations", [])
        ):
            assert ("status" in site) == recruiting
    starts = {
        s["protocolSection"]["statusModule"].get("startDateStruct", {}).get("date") for s in studies
    }
    assert len(starts) > SIZE / 3  # dates moved, not copied from 909 templates


def test_a_daily_dump_holds_the_changed_studies_and_lands_as_new_versions(
    dumps, tmp_path: Path
) -> None:
    day_0, day_1, _ = dumps
    changed = records(day_1)
    assert len(changed) == 50 and set(changed) <= set(records(day_0))
    landing = tmp_path / "landing.duckdb"
    first = land_dump(landing, day_0, as_of=date(2026, 7, 1))
    assert (first.versions_new, first.quarantined) == (SIZE, 0)
    second = land_dump(landing, day_1, as_of=date(2026, 7, 2))
    # Every changed study reads differently: each is a new version, none is quarantined.
    assert (second.records_read, second.versions_new, second.quarantined) == (50, 50, 0)
    assert query(landing, "select count(distinct nct_id) from raw_studies") == [(SIZE,)]
