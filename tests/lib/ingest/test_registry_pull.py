"""Pulls from the emulated registry: incremental, resumed after a kill, removals."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.lib.common.settings import REPO_ROOT
from orchestration.lib.ingest.landing import land_dump
from orchestration.lib.ingest.records import content_hash
from orchestration.lib.ingest.registry_pull import pull
from orchestration.testing.registry_emulator import RegistryEmulator
from tests.support.pipeline import query
from tests.support.records import nct
from tests.support.registry import registry_client

# A registry emulator on loopback.
pytestmark = pytest.mark.slow

# The emulator serves the sample as data of 2026-06-24; a day later it changes.
DAY_2 = "2026-06-25T09:00:00"


def _landed(landing: Path) -> list[tuple[str, str]]:
    return query(landing, "select nct_id, content_hash from raw_studies order by all")


def test_first_pull_is_full_then_incremental_fetches_only_changes(
    emulator: RegistryEmulator, sample_records: list[dict], tmp_path: Path
):
    landing = tmp_path / "landing.duckdb"
    first = pull(landing, registry_client(emulator))
    assert (first.kind, first.pages, first.load.versions_new) == ("full", 10, 909)

    changed = copy.deepcopy(sample_records)
    for study in changed[:3]:
        study["protocolSection"]["statusModule"]["overallStatus"] = "SUSPENDED"
        study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2026-06-25"
    emulator.set_studies(changed, DAY_2)
    emulator.requests.clear()
    second = pull(landing, registry_client(emulator))
    assert second.kind == "incremental"
    assert str(second.updated_since) == "2026-06-23"  # the last pull's data date, less a day
    assert second.load.records_read == 3 and second.load.versions_new == 3
    study_requests = [r for r in emulator.requests if r.startswith("/api/v2/studies")]
    assert len(study_requests) == 1
    assert "RANGE%5B2026-06-23%2CMAX%5D" in study_requests[0]
    assert query(landing, "select count(*) from raw_studies") == [(912,)]


KILLED_PULL = """
import sys, time
from pathlib import Path
from orchestration.lib.ingest.registry_client import RegistryClient
from orchestration.lib.ingest.registry_pull import pull

def stall(load, pages, total):
    print(pages, flush=True)
    if pages == 4:
        time.sleep(60)  # killed here

client = RegistryClient(sys.argv[2], rate_per_second=0, page_size=100)
pull(Path(sys.argv[1]), client, progress=stall)
"""


def _kill_a_pull_after_four_pages(landing: Path, emulator: RegistryEmulator) -> None:
    puller = subprocess.Popen(
        [sys.executable, "-c", KILLED_PULL, str(landing), emulator.base_url],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    assert [puller.stdout.readline().strip() for _ in range(4)] == ["1", "2", "3", "4"]
    puller.kill()
    puller.wait()
    assert query(landing, "select status from load_batches") == [("running",)]
    assert query(landing, "select pages_done from registry_pulls") == [(4,)]


def test_a_killed_pull_resumes_without_gaps_or_duplicates(
    emulator: RegistryEmulator, sample_records: list[dict], tmp_path: Path
):
    landing = tmp_path / "landing.duckdb"
    _kill_a_pull_after_four_pages(landing, emulator)
    emulator.requests.clear()
    emulator.queue_faults("500")  # and the registry hiccups on the way
    resumed = pull(landing, registry_client(emulator))
    assert resumed.resumed and resumed.pages == 10
    page_requests = [r for r in emulator.requests if r.startswith("/api/v2/studies")]
    assert all("pageToken" in r for r in page_requests)  # nothing fetched twice
    expected = sorted((nct(s), content_hash(s)) for s in sample_records)
    assert _landed(landing) == expected
    assert query(landing, "select status from load_batches") == [("succeeded",)]
    assert query(landing, "select count(*) from raw_pages") == [(0,)]


def test_a_full_pull_marks_removed_and_merged_studies(
    emulator: RegistryEmulator, sample_records: list[dict], tmp_path: Path
):
    landing = tmp_path / "landing.duckdb"
    pull(landing, registry_client(emulator))
    deleted, merged, survivor = sample_records[0], sample_records[1], sample_records[2]
    kept = copy.deepcopy(sample_records[2:])
    kept[0]["protocolSection"]["identificationModule"]["nctIdAliases"] = [nct(merged)]
    emulator.set_studies(kept, DAY_2)
    result = pull(landing, registry_client(emulator), kind="download", downloads=tmp_path / "dl")
    assert result.removed == 2
    assert query(
        landing, "select nct_id, removed_on::varchar, merged_into from raw_removals order by nct_id"
    ) == sorted(
        [
            (nct(deleted), "2026-06-25", None),
            (nct(merged), "2026-06-25", nct(survivor)),
        ]
    )
    # Pulling the same again finds nothing more to remove.
    assert pull(landing, registry_client(emulator), kind="full").removed == 0


def test_an_unrelated_load_leaves_an_interrupted_pull_to_resume(
    emulator: RegistryEmulator, tmp_path: Path
):
    landing = tmp_path / "landing.duckdb"
    _kill_a_pull_after_four_pages(landing, emulator)
    land_dump(landing, REPO_ROOT / "data" / "seed-trial" / "NCT06529731.2026-06-24.json")
    assert query(landing, "select count(*) from raw_pages") == [(4,)]  # still there
    emulator.requests.clear()
    resumed = pull(landing, registry_client(emulator))
    assert resumed.resumed and resumed.pages == 10
    page_requests = [r for r in emulator.requests if r.startswith("/api/v2/studies")]
    assert len(page_requests) == 6 and all("pageToken" in r for r in page_requests)
