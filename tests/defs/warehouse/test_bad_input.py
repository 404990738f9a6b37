"""Bad input through the whole graph: quarantined, reported, never published half-built."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import NamedTuple

import pytest
from dagster import AssetCheckEvaluation

from orchestration.lib.common.settings import REPO_ROOT, Settings
from tests.support.pipeline import WAREHOUSE, data_copy, data_dir, query, run_everything
from tests.support.records import nct

# About 100 s of a worker's time on CI.
pytestmark = pytest.mark.long(seconds=100)

SEED_DUMPS = REPO_ROOT / "data" / "seed-trial"
READER = """
import sys
from orchestration.lib.common.lake import open_lake
from orchestration.lib.common.settings import settings
con = open_lake(settings())  # one connection throughout; each query sees the latest snapshot
for line in sys.stdin:
    print(con.execute(sys.argv[1]).fetchall()[0][0], flush=True)
"""


@pytest.fixture(scope="module")
def broken_dump(tmp_path_factory: pytest.TempPathFactory, sample_records: list[dict]) -> Path:
    """100 real studies in a bulk zip, plus a JSON Lines file of bad and odd records."""
    dump = tmp_path_factory.mktemp("broken") / "dump"
    dump.mkdir()
    with zipfile.ZipFile(dump / "ctg-studies.json.zip", "w") as zf:
        for study in sample_records[:100]:
            zf.writestr(f"ctg-studies/{nct(study)}.json", json.dumps(study))
    new_status = copy.deepcopy(sample_records[100])
    new_status["protocolSection"]["statusModule"]["overallStatus"] = "PAUSED_FOR_REVIEW"
    wrong_type = copy.deepcopy(sample_records[101])
    wrong_type["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = "forty"
    lines = [
        json.dumps(new_status),
        '{"protocolSection": {"identificationModule": {"nctId": "NCT0',
        json.dumps({"protocolSection": {"identificationModule": {"briefTitle": "no id"}}}),
        json.dumps(wrong_type),
    ]
    (dump / "extra.jsonl").write_text("\n".join(lines) + "\n")
    return dump


class BrokenBuild(NamedTuple):
    """The broken dump's run from nothing: its data folder and its checks' evaluations."""

    current: Settings
    evaluations: dict[str, AssetCheckEvaluation]


@pytest.fixture(scope="module")
def broken_build(tmp_path_factory: pytest.TempPathFactory, broken_dump: Path) -> BrokenBuild:
    with data_dir(tmp_path_factory.mktemp("broken-build")) as current:
        result = run_everything(broken_dump, up_to=WAREHOUSE)
    assert result.success
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    return BrokenBuild(current, evaluations)


def test_bad_records_quarantined_good_ones_published(
    broken_build: BrokenBuild, sample_records: list[dict]
) -> None:
    with data_dir(broken_build.current.data_dir) as warehouse:
        assert query(warehouse, "select count(*) from main.trials") == [(101,)]
        quarantined = query(
            warehouse,
            "select source_file, source_position, reason from main.quarantine order by 2",
        )
        assert [(f, p) for f, p, _ in quarantined] == [
            ("extra.jsonl", "line 2"),
            ("extra.jsonl", "line 3"),
            ("extra.jsonl", "line 4"),
        ]
        assert "malformed JSON" in quarantined[0][2]
        assert "nctId" in quarantined[1][2]
        assert "enrollmentInfo.count: expected integer, got string" in quarantined[2][2]
        # The unknown status lands, is logged, and the enum check warns.
        new_status_id = nct(sample_records[100])
        assert query(
            warehouse, "select overall_status from main.trials where nct_id = ?", [new_status_id]
        ) == [("PAUSED_FOR_REVIEW",)]
        assert query(warehouse, "select nct_id, issue from main.load_issues") == [
            (new_status_id, "unknown Status value 'PAUSED_FOR_REVIEW'")
        ]
        evaluations = broken_build.evaluations
        enum_check = next(
            e
            for name, e in evaluations.items()
            if name.startswith("accepted_enum_trials_overall_status")
        )
        assert not enum_check.passed
        assert enum_check.severity.value == "WARN"
        assert not evaluations["last_load_quarantined_nothing"].passed
        assert evaluations[
            next(n for n in evaluations if n.startswith("primary_key_trials_"))
        ].passed


def test_failed_run_keeps_the_last_good_warehouse_readable(
    tmp_path: Path, broken_build: BrokenBuild, sample_records: list[dict]
) -> None:
    # The reader process finds the lake through the same TRIALWATCH_DATA_DIR.
    with data_copy(broken_build.current, tmp_path / "data") as current:
        count_sql = "select count(*) from main.trials"
        # An analyst in another process keeps the lake open throughout.
        reader = subprocess.Popen(
            [sys.executable, "-c", READER, count_sql],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

        def reader_count() -> str:
            reader.stdin.write("count\n")
            reader.stdin.flush()
            return reader.stdout.readline().strip()

        try:
            assert reader_count() == "101"
            runs = query(current, "select snapshot_id, run_id from main.runs")

            truncated = tmp_path / "ctg-studies.json.zip"
            with zipfile.ZipFile(truncated, "w") as zf:
                for study in sample_records[200:300]:
                    zf.writestr(f"{nct(study)}.json", json.dumps(study))
            truncated.write_bytes(truncated.read_bytes()[:5000])
            failed = run_everything(truncated, up_to=WAREHOUSE)
            assert not failed.success
            failure = next(e for e in failed.all_events if e.is_step_failure)
            assert "cannot read zip" in failure.step_failure_data.error.to_string()
            # The failed run published nothing: the same snapshot, the same runs.
            assert reader_count() == "101"
            assert query(current, "select snapshot_id, run_id from main.runs") == runs
            assert query(current.landing, "select count(*) from raw_studies") == [(101,)]

            # A good run publishes one snapshot, which the open reader's next query sees.
            good = run_everything(SEED_DUMPS, up_to=WAREHOUSE)
            assert good.success
            assert reader_count() == "102"
            assert query(current, count_sql) == [(102,)]
            assert query(
                current,
                "select status, count(*) from main.load_batches group by 1 order by 1",
            ) == [("failed", 1), ("succeeded", 2)]
            assert [r for (r,) in query(current, "select run_id from main.runs order by 1")] == (
                sorted([runs[0][1], good.run_id])
            )
        finally:
            reader.kill()
