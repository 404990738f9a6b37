"""The jobs and schedules that span the graph."""

from __future__ import annotations

from datetime import UTC, datetime

import dagster as dg
import pytest

from orchestration.defs.jobs import (
    daily_update_job,
    daily_update_schedule,
    everything_job,
    rebuild_job,
    weekly_reconcile_job,
    weekly_reconcile_schedule,
)


@pytest.mark.parametrize(
    ("schedule", "pull_kind", "days_of_week"),
    [(daily_update_schedule, "auto", "*"), (weekly_reconcile_schedule, "download", "0")],
)
def test_schedules_pull_the_registry(schedule, pull_kind: str, days_of_week: str) -> None:
    assert schedule.cron_schedule.split()[4] == days_of_week  # every day, or Sundays
    context = dg.build_schedule_context(
        scheduled_execution_time=datetime(2026, 6, 28, 7, tzinfo=UTC)
    )
    (request,) = schedule.evaluate_tick(context).run_requests
    assert request.job_name in (None, schedule.job_name)
    # The job carries the configuration each tick runs with.
    assert schedule.job.config["ops"]["ctgov_landing"]["config"] == {
        "source": "registry",
        "pull": pull_kind,
    }


def test_the_weekly_report_comes_out_weekly_not_per_load() -> None:
    from orchestration.definitions import defs

    def assets_of(job: str) -> set[str]:
        return {node.name for node in defs.resolve_job_def(job).nodes}

    assert "weekly_report" in assets_of("everything")
    assert "weekly_report" in assets_of("write_weekly_report")
    assert "weekly_report" not in assets_of("daily_update") | assets_of("weekly_reconcile")
    assert "parquet_exports" in assets_of("daily_update")
    schedule = defs.resolve_schedule_def("write_weekly_report_schedule")
    assert schedule.cron_schedule == "0 8 * * 1"


def test_the_weekly_reconcile_and_make_rebuild_rebuild_whole_daily_runs_do_not() -> None:
    from orchestration.definitions import defs

    def full_refresh(job) -> bool:
        config = (job.config or {}).get("ops", {}).get("warehouse_models", {})
        return config == {"config": {"full_refresh": True}}

    assert full_refresh(weekly_reconcile_job) and full_refresh(rebuild_job)
    assert not full_refresh(daily_update_job) and not full_refresh(everything_job)
    rebuilt = {node.name for node in defs.resolve_job_def("rebuild").nodes}
    # It loads nothing and sends no digest; it republishes, and rebuilds the site.
    assert "ctgov_landing" not in rebuilt and "alert_digests" not in rebuilt
    assert {"warehouse_models", "published_warehouse", "site_published"} <= rebuilt
