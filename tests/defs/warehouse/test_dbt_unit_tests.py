"""The dbt project's unit tests (``unit_tests:`` in its YAML), which no pipeline build
runs (build_state.PROJECT_TESTS): run here once, against the sample's build, in a new
folder."""

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
    # The landing, only read, is linked into the folder where the profile expects it.
    (tmp_path / "landing.duckdb").symlink_to(sample_warehouse.landing)
    copy = sample_warehouse.replace(data_dir=tmp_path)
    assert copy.landing == tmp_path / "landing.duckdb"
    copy.build_dir.mkdir(parents=True)
    shutil.copy(sample_warehouse.build_warehouse, copy.build_warehouse)
    target = tmp_path / "target"
    command = [DBT, "--log-format", "json", "test", "--profiles-dir", "."]
    command += ["--target-path", str(target)]
    command += ["--select", "resource_type:unit_test"]
    done = subprocess.run(
        command,
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, **copy.dbt_env()},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # A new folder's first dbt run starts from the project's saved parse: its profile is
    # the same in every folder (Settings.dbt_env), so dbt does not parse it all again.
    events = [json.loads(line)["info"] for line in done.stdout.splitlines()]
    assert [e["msg"] for e in events if e["name"] == "UnableToPartialParse"] == []
    results = json.loads((target / "run_results.json").read_text())["results"]
    nodes = json.loads(MANIFEST.read_text())["unit_tests"]
    assert len(nodes) >= 19
    assert {r["unique_id"]: r["status"] for r in results} == dict.fromkeys(nodes, "pass")
