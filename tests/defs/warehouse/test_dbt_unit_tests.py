"""The dbt project's unit tests (``unit_tests:`` in its YAML), which no pipeline build
runs (build_state.PROJECT_TESTS): run here once, in a new folder, over every model built
empty (`dbt build --empty`: the unit tests need only their models' parents' columns)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from orchestration.lib.common.settings import DBT_PROJECT_DIR
from orchestration.lib.ingest.landing import connect
from orchestration.lib.subscribers.counts import SCHEMA
from orchestration.lib.warehouse.data_dictionary import MANIFEST
from tests.support.pipeline import data_dir
from tests.support.rebuild import DBT

pytestmark = pytest.mark.slow  # dbt itself


def test_every_unit_test_of_the_dbt_project_passes(tmp_path: Path) -> None:
    with data_dir(tmp_path) as current:
        # What the sources read, empty: the landing's tables, the sign-ups' counts.
        connect(current.landing).close()
        current.subscriber_counts.parent.mkdir(parents=True)
        pq.write_table(SCHEMA.empty_table(), current.subscriber_counts)
        current.build_dir.mkdir(parents=True)
        target = tmp_path / "target"
        command = [DBT, "--log-format", "json", "build", "--empty", "--profiles-dir", "."]
        command += ["--target-path", str(target)]
        for kind in ("seed", "model", "unit_test"):
            command += ["--resource-type", kind]
        done = subprocess.run(
            command,
            cwd=DBT_PROJECT_DIR,
            env={**os.environ, **current.dbt_env()},
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
    ran = {r["unique_id"]: r["status"] for r in results if r["unique_id"].startswith("unit_test")}
    assert ran == dict.fromkeys(nodes, "pass")
