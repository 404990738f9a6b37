"""`make run`'s command: it says where the warehouse is and what it holds, or why it failed."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
from dagster._core.test_utils import create_run_for_test

from orchestration.cli import main, refuse_if_dagster_is_running
from orchestration.lib.common.lake import Lake, open_lake
from orchestration.lib.common.run_lock import RunInProgress
from orchestration.lib.common.settings import REPO_ROOT
from tests.support.locks import hold_lock
from tests.support.pipeline import data_dir, query
from tests.support.seed_runs import NEXT_DAY, NextDay

STARTED = dg.DagsterRunStatus.STARTED

SEED = REPO_ROOT / "data" / "seed-trial" / "NCT06529731.2026-06-28.json"


def test_run_reports_the_published_warehouse(seed_next_day: NextDay) -> None:
    # The day after the seed trial's daily runs, run again after its exports failed: a
    # normal day (the session's seed_next_day), one more snapshot.
    current, run = seed_next_day.current, seed_next_day.again
    assert run.code == 0
    # A short report, like a tool's: a line per step, a summary, where the log is.
    lines = run.out.splitlines()
    assert len(lines) <= 60 and run.err == ""
    assert run.warnings == []
    assert "warning" not in run.out.lower()
    steps = [line.split()[1] for line in lines if line.startswith("  done ")]
    assert {
        "ctgov_landing",
        "warehouse_models",
        "published_warehouse",
        "site_published",
    } <= set(steps)
    # The run's publish (lake maintenance after each run commits snapshots of its own).
    (after,) = query(current, "select max(snapshot_id) from main.runs")[0]
    assert after > seed_next_day.snapshot_after
    with open_lake(current) as con:
        tables = con.execute(
            "select table_name from duckdb_tables() where"
            " database_name = 'lake' and schema_name = 'main'"
        ).fetchall()
        counted = {
            t: con.execute(f'select count(*) from main."{t}"').fetchall()[0][0] for (t,) in tables
        }
    assert f"published as snapshot {after} of the lake" in run.out
    assert f"sqlite:{current.data_dir / 'lake' / 'catalog.sqlite'}" in run.out
    assert (
        f"Warehouse: 1 trial, {counted['trial_versions']} versions,"
        f" {counted['trial_changes']} change" in run.out
    )
    # Everything else is in the log file the run names: dbt's output, every table's rows.
    (named,) = [line.removeprefix("Full log: ") for line in lines if line.startswith("Full log: ")]
    log = Path(named)
    assert log.parent == current.data_dir / "logs"
    text = log.read_text()
    assert "Done. PASS=" in text and "STEP_SUCCESS" in text
    printed = {
        line.split()[0]: int(line.split()[1].replace(",", ""))
        for line in text.split("Tables in schema main:\n", 1)[1].splitlines()
        if line.startswith("  ")
    }
    assert printed == counted
    assert printed["trials"] == 1 and printed["trial_sites"] > 0
    observed = "select observed_on::varchar from raw_observations order by 1"
    assert query(current.landing, observed)[-1] == (NEXT_DAY,)


def test_run_explains_a_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with data_dir(tmp_path) as current:
        assert main(["run", "--source", str(tmp_path / "missing.zip")]) == 1
        err = capsys.readouterr().err
        assert "dump not found" in err
        assert "The warehouse was not published: the published warehouse is unchanged." in err
        assert not Lake.of(current).exists()


def test_run_is_refused_while_another_holds_the_pipeline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    holder = hold_lock(tmp_path)
    try:
        with data_dir(tmp_path) as current:
            assert main(["run", "--source", str(SEED), "--as-of", "2026-06-24"]) == 3
            assert "Not started: another pipeline run" in capsys.readouterr().err
            assert not current.landing.exists()  # nothing was touched
    finally:
        holder.kill()
        holder.wait()


def test_run_is_refused_while_dagster_has_a_run_going() -> None:
    with dg.instance_for_test() as instance:
        refuse_if_dagster_is_running(instance)  # nothing going: no refusal
        going = create_run_for_test(instance, job_name="daily_update", status=STARTED)
        with pytest.raises(RunInProgress, match=going.run_id):
            refuse_if_dagster_is_running(instance)


def test_the_tracked_instance_runs_one_run_at_a_time(tmp_path: Path) -> None:
    # A copy: an instance writes its storage beside its dagster.yaml.
    (tmp_path / "dagster.yaml").write_text((REPO_ROOT / "dagster.yaml").read_text())
    instance = dg.DagsterInstance.from_config(str(tmp_path))
    assert instance.run_coordinator.get_run_queue_config().max_concurrent_runs == 1
