"""The dbt project's unit tests (``unit_tests:`` in its YAML), which no pipeline build
runs (build_state.PROJECT_TESTS): run here once, against the sample's build."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from orchestration.lib.common.settings import DBT_PROJECT_DIR, Settings
from orchestration.lib.warehouse.data_dictionary import MANIFEST
from tests.support.rebuild import DBT


def test_every_unit_test_of_the_dbt_project_passes(
    sample_warehouse: Settings, tmp_path: Path
) -> None:
    # A copy of the build: dbt needs the models' columns, and must not lock the shared file.
    copy = sample_warehouse.replace(data_dir=tmp_path, landing=sample_warehouse.landing)
    copy.build_dir.mkdir(parents=True)
    shutil.copy(sample_warehouse.build_warehouse, copy.build_warehouse)
    target = tmp_path / "target"
    command = [DBT, "test", "--quiet", "--profiles-dir", ".", "--target-path", str(target)]
    command += ["--select", "resource_type:unit_test"]
    done = subprocess.run(
        command,
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, **copy.dbt_env()},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((target / "run_results.json").read_text())["results"]
    nodes = json.loads(MANIFEST.read_text())["unit_tests"]
    assert len(nodes) >= 19
    assert {r["unique_id"]: r["status"] for r in results} == dict.fromkeys(nodes, "pass")
