"""Run one Dagster job in this process and write how long each of its steps took.

The scale benchmark starts this as a child process, so that it can watch the memory
of the whole process tree (Dagster, dbt and what they start) from outside:

    python -m benchmarks.job_timings everything --source DUMP --as-of DATE --out FILE.json

The JSON holds the run's wall time, each step's time and its start and end (epoch
seconds, to match against memory samples), the landing's own split (reading and
parsing against writing), what the site feed remade, and the dbt nodes' times from
run_results.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import dagster as dg

from orchestration.lib.common.settings import settings


def run_job(job: str, source: str, as_of: str) -> dict[str, Any]:
    started = time.perf_counter()
    from orchestration.definitions import defs

    imported = time.perf_counter() - started
    instance = dg.DagsterInstance.ephemeral()
    result = defs.resolve_job_def(job).execute_in_process(
        instance=instance,
        run_config={
            "ops": {"ctgov_landing": {"config": {"source": source, "as_of": as_of}}},
            "loggers": {"console": {"config": {"log_level": "WARNING"}}},
        },
        raise_on_error=True,
    )
    steps: dict[str, float] = {}
    landing: dict[str, Any] = {}
    site_feed: dict[str, Any] = {}
    for event in result.all_events:
        if event.event_type_value == "STEP_SUCCESS":
            steps[event.step_key] = event.event_specific_data.duration_ms / 1000
        if event.event_type_value != "ASSET_MATERIALIZATION":
            continue
        metadata = event.event_specific_data.materialization.metadata
        if event.step_key == "ctgov_landing":
            landing = {key: value.value for key, value in metadata.items() if key.endswith("_s")}
        elif event.step_key == "site_feed":
            site_feed = {key: value.value for key, value in metadata.items()}
    windows: dict[str, list[float]] = {}
    for entry in instance.all_logs(result.run_id):
        kind = entry.dagster_event_type
        if entry.step_key and kind in (
            dg.DagsterEventType.STEP_START,
            dg.DagsterEventType.STEP_SUCCESS,
        ):
            windows.setdefault(entry.step_key, []).append(entry.timestamp)
    return {
        "job": job,
        "wall_s": time.perf_counter() - started,
        "import_s": imported,
        "steps": steps,
        "windows": {key: [min(times), max(times)] for key, times in windows.items()},
        "landing": landing,
        # How much of the site the run remade (full_build, trials_remade: code_edit.py).
        "site_feed": site_feed,
        "dbt_nodes": dbt_nodes(),
    }


def dbt_nodes() -> dict[str, float]:
    """Each dbt node's execution time in this run: dbt keeps the last build's results in
    the data folder's dbt target (one run at a time)."""
    results = settings().dbt_target / "run_results.json"
    if not results.exists():
        return {}
    return {r["unique_id"]: r["execution_time"] for r in json.loads(results.read_text())["results"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("job")
    parser.add_argument("--source", required=True)
    parser.add_argument("--as-of", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.write_text(json.dumps(run_job(args.job, args.source, args.as_of), indent=1))


if __name__ == "__main__":
    main()
