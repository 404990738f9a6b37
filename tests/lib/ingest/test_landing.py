"""The landing is append-only, transactional and idempotent."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

from orchestration.lib.common.settings import REPO_ROOT, SAMPLE_DUMP
from orchestration.lib.ingest.dump_reader import DumpError
from orchestration.lib.ingest.landing import land_dump
from tests.support.pipeline import query

COUNTS = """
    select
        (select count(*) from raw_studies),
        (select count(*) from raw_observations),
        (select count(*) from quarantine),
        (select count(*) from load_issues)
"""


def test_reload_adds_nothing(tmp_path: Path, sample_records: list[dict]) -> None:
    landing = tmp_path / "landing.duckdb"
    first = land_dump(landing, SAMPLE_DUMP)
    assert first.versions_new == len(sample_records) == 909
    before = query(landing, COUNTS)
    second = land_dump(landing, SAMPLE_DUMP)
    assert (second.versions_new, second.observations_new) == (0, 0)
    assert query(landing, COUNTS) == before
    assert query(landing, "select status, count(*) from load_batches group by 1") == [
        ("succeeded", 2)
    ]


def test_the_same_versions_on_a_new_date_are_observations_not_versions(tmp_path: Path) -> None:
    landing = tmp_path / "landing.duckdb"
    land_dump(landing, SAMPLE_DUMP, as_of=date(2026, 6, 24))
    later = land_dump(landing, SAMPLE_DUMP, as_of=date(2026, 6, 25))
    assert (later.versions_new, later.observations_new) == (0, 909)
    assert query(landing, "select count(*) from raw_studies") == [(909,)]


def test_a_version_repeated_across_chunks_and_loads_lands_once(
    tmp_path: Path, sample_records: list[dict]
) -> None:
    """Chunks are checked against what earlier chunks and earlier loads landed."""
    landing = tmp_path / "landing.duckdb"
    early = tmp_path / "early.jsonl"
    early.write_text("".join(json.dumps(r) + "\n" for r in sample_records[:5]))
    land_dump(landing, early, as_of=date(2026, 6, 24))
    # Records 3..9, then 0..9 again: three chunks of 7 hold each version twice or more.
    repeated = sample_records[3:10] + sample_records[:10]
    dump = tmp_path / "repeated.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in repeated))
    load = land_dump(landing, dump, as_of=date(2026, 6, 24), batch_size=7)
    assert load.records_read == 17
    assert (load.versions_new, load.observations_new) == (5, 5)
    assert query(
        landing,
        "select count(*), count(distinct content_hash) from raw_studies",
    ) == [(10, 10)]
    assert query(
        landing,
        "select count(*), count(distinct (content_hash, observed_on)) from raw_observations",
    ) == [(10, 10)]
    # The issues of a version come with it, once.
    assert query(
        landing,
        "select count(*) from (select distinct nct_id, content_hash, path from load_issues)",
    ) == query(landing, "select count(*) from load_issues")


def test_bad_records_are_quarantined_and_the_rest_lands(
    tmp_path: Path, sample_records: list[dict]
) -> None:
    wrong_type = copy.deepcopy(sample_records[2])
    wrong_type["protocolSection"]["designModule"]["phases"] = "PHASE2"
    lines = [
        json.dumps(sample_records[0]),
        "{broken",
        json.dumps({"hello": 1}),
        json.dumps(wrong_type),
        json.dumps(sample_records[1]),
    ]
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join(lines))
    landing = tmp_path / "landing.duckdb"
    result = land_dump(landing, dump)
    assert (result.records_read, result.versions_new, result.quarantined) == (5, 2, 3)
    rows = query(landing, "select source_file, source_position, reason from quarantine order by 2")
    assert [(f, p) for f, p, _ in rows] == [
        ("dump.jsonl", "line 2"),
        ("dump.jsonl", "line 3"),
        ("dump.jsonl", "line 4"),
    ]
    assert "malformed JSON" in rows[0][2]
    assert "nctId" in rows[1][2]
    assert "phases: expected an array, got string" in rows[2][2]
    land_dump(landing, dump)
    assert query(landing, "select count(*) from quarantine") == [(3,)]


def test_an_unreadable_dump_lands_nothing(tmp_path: Path, sample_records: list[dict]) -> None:
    landing = tmp_path / "landing.duckdb"
    land_dump(landing, SAMPLE_DUMP)
    before = query(landing, COUNTS)
    archive = tmp_path / "ctg-studies.json.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for study in sample_records[:50]:
            changed = copy.deepcopy(study)
            changed["protocolSection"]["statusModule"]["overallStatus"] = "WITHDRAWN"
            nct_id = study["protocolSection"]["identificationModule"]["nctId"]
            zf.writestr(f"{nct_id}.json", json.dumps(changed))
    archive.write_bytes(archive.read_bytes()[:-200])
    with pytest.raises(DumpError, match="cannot read zip"):
        land_dump(landing, archive)
    assert query(landing, COUNTS) == before
    ((status, message),) = query(
        landing, "select status, message from load_batches where source = ?", [str(archive)]
    )
    assert status == "failed" and "cannot read zip" in message


def test_a_failure_midway_rolls_back_what_was_read(
    tmp_path: Path, sample_records: list[dict]
) -> None:
    """A gzip stream cut off after hundreds of good records: none of them lands."""
    import gzip

    dump = tmp_path / "studies.jsonl.gz"
    data = gzip.compress("\n".join(json.dumps(s) for s in sample_records).encode())
    dump.write_bytes(data[: len(data) * 3 // 4])
    landing = tmp_path / "landing.duckdb"
    with pytest.raises(DumpError, match="truncated or corrupt"):
        land_dump(landing, dump, batch_size=100)
    assert query(landing, "select count(*) from raw_studies") == [(0,)]


def test_a_dump_with_no_valid_record_fails(tmp_path: Path) -> None:
    dump = tmp_path / "junk.jsonl"
    dump.write_text('{"a": 1}\n{"b": 2}\n')
    with pytest.raises(DumpError, match="no valid study record"):
        land_dump(tmp_path / "landing.duckdb", dump)


KILLED_LOAD = """
import sys, time
from pathlib import Path
from orchestration.lib.ingest.landing import land_dump

def stall(result):
    print(result.records_read, flush=True)
    time.sleep(60)  # long enough to be killed mid-load

land_dump(Path(sys.argv[1]), sys.argv[2], batch_size=100, progress=stall)
"""


def test_a_killed_load_is_cleaned_up_and_rerun_without_duplicates(tmp_path: Path) -> None:
    landing = tmp_path / "landing.duckdb"
    loader = subprocess.Popen(
        [sys.executable, "-c", KILLED_LOAD, str(landing), str(SAMPLE_DUMP)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    assert loader.stdout.readline().strip() == "100"
    loader.kill()
    loader.wait()
    assert query(landing, "select status from load_batches") == [("running",)]
    assert query(landing, "select count(*) from raw_studies") == [(100,)]

    rerun = land_dump(landing, SAMPLE_DUMP)
    assert rerun.versions_new == 909
    assert query(
        landing, "select count(*), count(distinct (nct_id, content_hash)) from raw_studies"
    ) == [(909, 909)]
    assert query(landing, "select status from load_batches order by started_at") == [
        ("interrupted",),
        ("succeeded",),
    ]
