"""The code location loads as `dagster dev` loads it, with every asset, check and job."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dagster as dg


def test_dagster_loads_the_code_location() -> None:
    dagster = Path(sys.executable).with_name("dagster")
    result = subprocess.run(
        [str(dagster), "definitions", "validate", "-m", "orchestration.definitions"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_graph_runs_from_landing_to_publication() -> None:
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {"ctgov/raw_studies", "main/trials", "main/trial_sites", "published_warehouse"} <= keys
    job = defs.resolve_job_def("everything")
    assert {node.name for node in job.nodes} >= {
        "ctgov_landing",
        "warehouse_models",
        "published_warehouse",
    }

    def upstream(model: str) -> set[str]:
        key = dg.AssetKey(["staging", model])
        return {parent.to_user_string() for parent in graph.get(key).parent_keys}

    # Records are parsed once, from the landing, and staging reads the parts.
    assert upstream("stg_ctgov__study_modules") == {"ctgov/raw_studies", "ctgov/load_batches"}
    assert upstream("stg_ctgov__studies") == {"staging/stg_ctgov__study_modules"}
