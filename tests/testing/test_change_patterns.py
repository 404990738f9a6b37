"""Reading the registry's real histories and replaying them onto records."""

from __future__ import annotations

import csv
from datetime import date, timedelta

from orchestration.lib.common.settings import CTHIST_VERSIONS
from orchestration.lib.ingest.study_schema import validate_study
from orchestration.testing.change_patterns import (
    apply_version,
    read_histories,
    real_histories,
    replay,
    stamp,
)


def test_every_version_of_every_trial_is_read_in_order() -> None:
    with CTHIST_VERSIONS.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    histories = read_histories()
    assert len(histories) == len({row["nctid"] for row in rows}) == 140
    assert sum(len(versions) for versions in histories.values()) == len(rows) == 876
    for nct_id, versions in histories.items():
        assert [v.version_number for v in versions] == list(range(1, len(versions) + 1)), nct_id
        assert all(v.nct_id == nct_id for v in versions)


def test_history_texts_become_the_api_enums() -> None:
    first = read_histories()["NCT01352702"][0]
    assert first.overall_status == "NOT_YET_RECRUITING"
    assert (first.start_date, first.primary_completion_date) == ("2011-05", "2012-02")
    assert (first.enrollment_count, first.enrollment_type) == (70, "ESTIMATED")
    assert first.minimum_age == "18 Years" and first.maximum_age is None


def test_an_applied_version_is_a_valid_study_that_says_what_the_version_says(
    sample_records: list[dict],
) -> None:
    history = read_histories()["NCT01352702"]
    last = history[-1]
    record = apply_version(sample_records[0], last)
    assert validate_study(record) == []
    protocol = record["protocolSection"]
    assert protocol["statusModule"]["overallStatus"] == "TERMINATED"
    assert protocol["statusModule"]["primaryCompletionDateStruct"] == {
        "date": "2014-05",
        "type": "ACTUAL",
    }
    assert protocol["statusModule"]["lastUpdatePostDateStruct"]["date"] == "2015-02-04"
    assert protocol["designModule"]["enrollmentInfo"] == {"count": 46, "type": "ACTUAL"}
    assert "maximumAge" not in protocol["eligibilityModule"]
    # The record it started from is untouched.
    assert sample_records[0]["protocolSection"]["statusModule"] != protocol["statusModule"]


def test_replay_keeps_the_order_of_changes_and_the_last_of_a_day(
    sample_records: list[dict],
) -> None:
    history = read_histories()["NCT01352702"]  # versions on 2011-05-11, 05-16, 2012-04-24, ...
    days = [date(2026, 7, 1) + timedelta(days=i) for i in range(4)]
    records = replay(sample_records[0], history, days)
    statuses = [r["protocolSection"]["statusModule"]["overallStatus"] for r in records]
    stamps = [r["derivedSection"]["miscInfoModule"]["versionHolder"] for r in records]
    assert stamps == [d.isoformat() for d in days]
    # Versions 1 and 2 are five days apart in four years: both fall on the first day,
    # and the snapshot shows the later one.
    assert statuses[0] == "RECRUITING" and statuses[-1] == "TERMINATED"
    assert stamp(records[0], days[1])["derivedSection"]["miscInfoModule"]["versionHolder"] == (
        days[1].isoformat()
    )


def test_real_histories_go_one_to_a_study(sample_records: list[dict]) -> None:
    real = read_histories()
    histories = real_histories(sample_records[:150])
    assert len(histories) == len(real) == 140
    # The studies first by NCT id get the real trials first by NCT id, version for version.
    chosen = sorted(histories)
    assert [len(histories[nct]) for nct in chosen] == [len(real[nct]) for nct in sorted(real)]
    for nct_id, versions in histories.items():
        assert all(
            v["protocolSection"]["identificationModule"]["nctId"] == nct_id for v in versions
        )
        first_posted = {
            v["protocolSection"]["statusModule"]["studyFirstPostDateStruct"]["date"]
            for v in versions
        }
        assert len(first_posted) == 1
