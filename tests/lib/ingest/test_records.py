"""Validation, canonical hashing and dating of single records."""

from __future__ import annotations

import copy
import json
from datetime import date

import orjson

from orchestration.lib.ingest.dump_reader import RawRecord
from orchestration.lib.ingest.records import Rejected, Study, classify, content_hash

TODAY = date(2026, 11, 23)


def _raw(study: dict | str, source: str = "dump.jsonl") -> RawRecord:
    text = study if isinstance(study, str) else json.dumps(study)
    return RawRecord(source, "line 1", text.encode())


def test_hash_ignores_the_daily_stamp_and_key_order(sample_records: list[dict]) -> None:
    study = sample_records[0]
    restamped = copy.deepcopy(study)
    restamped["derivedSection"]["miscInfoModule"]["versionHolder"] = "2030-01-01"
    reordered = json.loads(json.dumps(study, sort_keys=True, indent=3))
    assert content_hash(study) == content_hash(restamped) == content_hash(reordered)


def test_hash_changes_when_the_trial_changes(sample_records: list[dict]) -> None:
    study = next(
        s
        for s in sample_records
        if s["protocolSection"]["contactsLocationsModule"].get("locations")
    )
    changed = copy.deepcopy(study)
    changed["protocolSection"]["contactsLocationsModule"]["locations"][0]["status"] = "RECRUITING"
    changed["protocolSection"]["contactsLocationsModule"]["locations"][0]["city"] = "Elsewhere"
    assert content_hash(study) != content_hash(changed)


def test_observed_date_precedence(sample_records: list[dict]) -> None:
    study = sample_records[0]
    stamp = date.fromisoformat(study["derivedSection"]["miscInfoModule"]["versionHolder"])
    assert classify(_raw(study), None, TODAY).observed_on == stamp
    assert classify(_raw(study), date(2026, 6, 24), TODAY).observed_on == date(2026, 6, 24)
    unstamped = copy.deepcopy(study)
    del unstamped["derivedSection"]["miscInfoModule"]["versionHolder"]
    named = classify(_raw(unstamped, "NCT1.2026-06-27.json"), None, TODAY)
    assert named.observed_on == date(2026, 6, 27)
    assert classify(_raw(unstamped), None, TODAY).observed_on == TODAY


def test_a_valid_record_lands_verbatim(sample_records: list[dict]) -> None:
    text = json.dumps(sample_records[3], indent=1)
    study = classify(_raw(text), None, TODAY)
    assert isinstance(study, Study)
    assert study.text == text
    assert study.nct_id == sample_records[3]["protocolSection"]["identificationModule"]["nctId"]


def test_reasons_for_quarantine(sample_records: list[dict]) -> None:
    no_id = copy.deepcopy(sample_records[0])
    del no_id["protocolSection"]["identificationModule"]["nctId"]
    bad_id = copy.deepcopy(sample_records[0])
    bad_id["protocolSection"]["identificationModule"]["nctId"] = "NCT123"
    wrong_type = copy.deepcopy(sample_records[0])
    wrong_type["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = "forty"
    wrong_list = copy.deepcopy(sample_records[0])
    wrong_list["protocolSection"]["contactsLocationsModule"]["locations"] = {"city": "Boston"}
    cases = {
        "{not json": "malformed JSON",
        "[1, 2]": "not a JSON object",
        json.dumps(no_id): "no protocolSection.identificationModule.nctId",
        json.dumps(bad_id): "invalid nctId 'NCT123'",
        json.dumps(wrong_type): "designModule.enrollmentInfo.count: expected integer, got string",
        json.dumps(wrong_list): "contactsLocationsModule.locations: expected an array, got object",
    }
    for text, reason in cases.items():
        result = classify(_raw(text), None, TODAY)
        assert isinstance(result, Rejected), text[:40]
        assert reason in result.reason
        assert result.text == text


def test_unknown_enum_and_partial_dates(sample_records: list[dict]) -> None:
    study = copy.deepcopy(sample_records[0])
    study["protocolSection"]["statusModule"]["overallStatus"] = "PAUSED_FOR_REVIEW"
    study["protocolSection"]["statusModule"]["startDateStruct"] = {"date": "2024-05"}
    study["protocolSection"]["statusModule"]["completionDateStruct"] = {"date": "May 2024"}
    result = classify(RawRecord("d", "1", orjson.dumps(study)), None, TODAY)
    assert isinstance(result, Study)
    found = {(i.path, i.message) for i in result.issues}
    assert (
        "protocolSection.statusModule.overallStatus",
        "unknown Status value 'PAUSED_FOR_REVIEW'",
    ) in found
    assert (
        "protocolSection.statusModule.completionDateStruct.date",
        "unparseable partial date 'May 2024'",
    ) in found
    # "2024-05" is a valid partial date, not an issue.
    assert not any(i.path.endswith("startDateStruct.date") for i in result.issues)


def test_the_whole_sample_is_valid(sample_records: list[dict]) -> None:
    results = [
        classify(RawRecord("s", str(i), orjson.dumps(s)), None, TODAY)
        for i, s in enumerate(sample_records)
    ]
    assert all(isinstance(r, Study) for r in results)
    assert sum(len(r.issues) for r in results) == 0
