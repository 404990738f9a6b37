"""A run declares as blocking exactly the dbt tests it runs in every build.

Which tests a daily build runs is dbt's own answer to the plan's selectors (``dbt ls``);
the asset checks Dagster gates publishing on must be those, or a gate is passed by in
silence (Dagster's "blocking asset check ... emitted no result")."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from orchestration.defs.warehouse.assets import warehouse_models
from orchestration.lib.common.settings import DBT_PROJECT_DIR, settings
from orchestration.lib.warehouse.build_state import BuildPlan
from tests.support.rebuild import DBT

# Runs dbt itself.
pytestmark = pytest.mark.slow


def _tests_selected(args: list[str], target: Path) -> set[str]:
    command = [DBT, "--quiet", "ls", "--resource-type", "test", "--output", "json"]
    command += ["--output-keys", "unique_id", "--profiles-dir", ".", "--target-path", str(target)]
    done = subprocess.run(
        [*command, *args],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, **settings().dbt_env()},
        capture_output=True,
        text=True,
        check=True,
    )
    return {json.loads(line)["unique_id"] for line in done.stdout.splitlines() if line.strip()}


def test_blocking_checks_are_the_tests_a_daily_build_runs(tmp_path: Path) -> None:
    daily = BuildPlan(full_refresh=False, reason="a daily build", batches=("b",)).dbt_args()
    # dbt ls selects as dbt build does, without the build's --full-refresh.
    whole = [a for a in BuildPlan(True, "a full rebuild").dbt_args() if a != "--full-refresh"]
    run_daily = _tests_selected(daily, tmp_path / "daily")
    run_whole = _tests_selected(whole, tmp_path / "whole")
    assert run_daily < run_whole  # a daily build leaves some to the full rebuilds

    checks = {spec.metadata["dagster_dbt/unique_id"]: spec for spec in warehouse_models.check_specs}
    assert set(checks) == run_whole
    assert {test for test, spec in checks.items() if spec.blocking} == run_daily
