"""The enum seed dbt tests with is the OpenAPI spec's, value for value."""

from __future__ import annotations

import csv

import yaml

from orchestration.lib.settings import OPENAPI_SPEC
from orchestration.lib.study_schema import ENUM_SEED, enums


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
