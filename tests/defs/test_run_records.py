"""A command-line run killed in its process stays "started" in Dagster's record: the next
run of its data folder records it as failed and goes on; other runs still hold the
pipeline."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
from dagster._core.test_utils import create_run_for_test

from orchestration.cli import refuse_if_dagster_is_running
from orchestration.defs.run_records import command_line_tags, fail_dead_runs
from orchestration.lib.common.run_lock import RunInProgress, pipeline_lock
from orchestration.lib.common.settings import REPO_ROOT

STARTED = dg.DagsterRunStatus.STARTED


def test_a_killed_command_line_run_is_failed_with_its_reason(tmp_path: Path) -> None:
    ours, other = tmp_path / "data", tmp_path / "other"
    with dg.instance_for_test() as instance:
        killed = create_run_for_test(
            instance, job_name="everything", status=STARTED, tags=command_line_tags(ours)
        )
        with pipeline_lock(ours):
            assert [run.run_id for run in fail_dead_runs(instance, ours)] == [killed.run_id]
            refuse_if_dagster_is_running(instance)  # nothing holds the pipeline now
        record = instance.get_run_by_id(killed.run_id)
        assert record.status == dg.DagsterRunStatus.FAILURE
        (failure,) = instance.all_logs(killed.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
        assert "ended without finishing the run" in failure.message
        assert str(ours) in failure.message

        # Another folder's run, and a run the daemon launched, are not this run's to judge.
        elsewhere = create_run_for_test(
            instance, job_name="everything", status=STARTED, tags=command_line_tags(other)
        )
        with pipeline_lock(ours):
            assert fail_dead_runs(instance, ours) == []
            with pytest.raises(RunInProgress, match=elsewhere.run_id):
                refuse_if_dagster_is_running(instance)
        instance.report_run_failed(elsewhere)
        scheduled = create_run_for_test(instance, job_name="daily_update", status=STARTED)
        with pipeline_lock(ours):
            assert fail_dead_runs(instance, ours) == []
            with pytest.raises(RunInProgress, match=scheduled.run_id):
                refuse_if_dagster_is_running(instance)


def test_the_tracked_instance_monitors_the_runs_the_daemon_launches(tmp_path: Path) -> None:
    (tmp_path / "dagster.yaml").write_text((REPO_ROOT / "dagster.yaml").read_text())
    instance = dg.DagsterInstance.from_config(str(tmp_path))
    assert instance.run_monitoring_enabled
    assert instance.run_monitoring_max_runtime_seconds > 0
