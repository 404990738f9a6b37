"""The enum seed dbt tests with is the OpenAPI spec's; the validator names what it finds."""

from __future__ import annotations

import copy
import csv

import pytest
import yaml

from orchestration.lib.common.settings import OPENAPI_SPEC
from orchestration.lib.ingest.study_schema import ENUM_SEED, SchemaViolation, enums, validate_study


def test_enum_seed_matches_the_spec() -> None:
    schemas = yaml.safe_load(OPENAPI_SPEC.read_text())["components"]["schemas"]
    from_spec = {
        (name, value) for name, schema in schemas.items() for value in schema.get("enum", [])
    }
    with ENUM_SEED.open() as handle:
        from_seed = {(row["enum_name"], row["enum_value"]) for row in csv.DictReader(handle)}
    assert from_seed == from_spec
    assert "UNKNOWN" in enums()["Status"]
    assert ("RecruitmentStatus", "NOT_YET_RECRUITING") in from_seed


def test_findings_name_their_path(sample_records: list[dict]) -> None:
    record = copy.deepcopy(
        next(r for r in sample_records if len(_locations(r)) > 1 and r.get("derivedSection"))
    )
    _locations(record)[1]["status"] = "PAUSED_FOR_LUNCH"
    record["protocolSection"]["statusModule"]["startDateStruct"] = {"date": "2024-13-99x"}
    issues = validate_study(record)
    assert [(i.path, i.value) for i in issues] == [
        ("protocolSection.statusModule.startDateStruct.date", "2024-13-99x"),
        ("protocolSection.contactsLocationsModule.locations[1].status", "PAUSED_FOR_LUNCH"),
    ]
    assert "unknown RecruitmentStatus value 'PAUSED_FOR_LUNCH'" in issues[1].message
    _locations(record)[0]["geoPoint"] = {"lat": "north", "lon": 1.5}
    with pytest.raises(SchemaViolation, match=r"locations\[0\]\.geoPoint\.lat: expected number"):
        validate_study(record)
    with pytest.raises(SchemaViolation, match="record: expected an object"):
        validate_study([])  # type: ignore[arg-type]
    assert (
        validate_study({"protocolSection": {"designModule": {"enrollmentInfo": {"count": 5}}}})
        == []
    )
    with pytest.raises(SchemaViolation, match="count: expected integer, got boolean"):
        validate_study({"protocolSection": {"designModule": {"enrollmentInfo": {"count": True}}}})


def _locations(record: dict) -> list[dict]:
    return record["protocolSection"].get("contactsLocationsModule", {}).get("locations", [])
