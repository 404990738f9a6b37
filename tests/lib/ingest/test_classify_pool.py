"""A bulk zip landed by several workers lands exactly as one process lands it."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

from orchestration.lib.ingest.landing import land_dump
from orchestration.lib.ingest.limits import LoadLimits
from tests.support.pipeline import query

LANDED = """
    select nct_id, content_hash, record, source_file, source_position, observed_on
    from raw_studies order by all
"""


def test_workers_land_what_one_process_lands(tmp_path: Path, sample_records: list[dict]) -> None:
    archive = tmp_path / "ctg-studies.json.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for record in sample_records[:300]:
            nct_id = record["protocolSection"]["identificationModule"]["nctId"]
            zf.writestr(f"{nct_id}.json", json.dumps(record, indent=2))
        zf.writestr("NCT99999999.json", "{not json")
    day = date(2026, 7, 1)
    one, two = LoadLimits(workers=1), LoadLimits(workers=2)
    serial = land_dump(tmp_path / "one.duckdb", archive, as_of=day, batch_size=40, limits=one)
    parallel = land_dump(tmp_path / "two.duckdb", archive, as_of=day, batch_size=40, limits=two)
    assert (parallel.records_read, parallel.versions_new, parallel.quarantined) == (301, 300, 1)
    assert (serial.records_read, serial.versions_new, serial.quarantined) == (301, 300, 1)
    assert parallel.issues == serial.issues
    assert query(tmp_path / "two.duckdb", LANDED) == query(tmp_path / "one.duckdb", LANDED)
    assert query(tmp_path / "two.duckdb", "select source_position, reason from quarantine") == [
        ("", query(tmp_path / "one.duckdb", "select reason from quarantine")[0][0])
    ]
    # Reloading with workers adds nothing: the same anti-joins guard both paths.
    again = land_dump(tmp_path / "two.duckdb", archive, as_of=day, batch_size=40, limits=two)
    assert (again.versions_new, again.observations_new) == (0, 0)
