"""Benchmark: the daily load of a full dump in which few trials changed.

Builds a full dump of ``--studies`` records (the sample, cloned under new NCT ids
to reach the size), loads it as day 1, then loads day 2, in which ``--changed``
trials changed as real trials do (a version from the registry's history applied),
and reports what day 2 added to the landing; with ``--warehouse`` it also runs the
whole pipeline both days and reports what trial_versions and trial_changes gained.

    .venv/bin/python -m benchmarks.daily_load --studies 50000 --changed 500
"""

from __future__ import annotations

import argparse
import copy
import gzip
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from orchestration.lib.change_patterns import apply_version, read_histories, stamp, write_jsonl
from orchestration.lib.landing import land_dump
from orchestration.lib.settings import REPO_ROOT, SAMPLE_DUMP

DAY_1, DAY_2 = date(2026, 7, 1), date(2026, 7, 2)
LANDING_SIZES = """
    select
        (select count(*) from raw_studies),
        (select sum(length(record)) from raw_studies),
        (select count(*) from raw_observations)
"""


def full_dump(size: int) -> list[dict[str, Any]]:
    """``size`` distinct studies: the sample, then copies of it under unused NCT ids."""
    with gzip.open(SAMPLE_DUMP, "rt", encoding="utf-8") as handle:
        sample = [json.loads(line) for line in handle if line.strip()]
    out = []
    for number, record in enumerate(itertools.islice(itertools.cycle(sample), size)):
        if number >= len(sample):
            record = copy.deepcopy(record)
            record["protocolSection"]["identificationModule"]["nctId"] = f"NCT9{number:07d}"
        out.append(record)
    return out


def changed_copy(records: list[dict[str, Any]], changed: int) -> list[dict[str, Any]]:
    """The same dump with ``changed`` trials (evenly spread) at a real trial's later version."""
    versions = [v for history in read_histories().values() for v in history[1:]]
    step = max(1, len(records) // max(changed, 1))
    out = list(records)
    for n, index in enumerate(range(0, step * changed, step)):
        out[index] = apply_version(records[index], versions[n % len(versions)])
    return out


def landing_sizes(landing: Path) -> tuple[int, int, int, int]:
    with duckdb.connect(str(landing), read_only=True) as con:
        rows, text, observations = con.execute(LANDING_SIZES).fetchone()
    return rows, text, observations, landing.stat().st_size


def run_pipeline(data_dir: Path, dump: Path, day: date) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "orchestration", "run", "--source", str(dump), "--as-of", str(day)],
        check=True,
        cwd=REPO_ROOT,
        env={**os.environ, "TRIALWATCH_DATA_DIR": str(data_dir), "TRIALWATCH_LOG": "WARNING"},
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def warehouse_counts(warehouse: Path) -> tuple[int, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "select (select count(*) from trial_versions), (select count(*) from trial_changes)"
        ).fetchone()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=20_000)
    parser.add_argument("--changed", type=int, default=200)
    parser.add_argument("--warehouse", action="store_true", help="run the whole pipeline too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="trialwatch-bench-") as tmp:
        folder = Path(tmp)
        day_1 = full_dump(args.studies)
        dump_1 = write_jsonl(folder / "day-1.jsonl", (stamp(r, DAY_1) for r in day_1))
        day_2 = changed_copy(day_1, args.changed)
        dump_2 = write_jsonl(folder / "day-2.jsonl", (stamp(r, DAY_2) for r in day_2))
        print(f"full dump: {args.studies:,} studies; changed on day 2: {args.changed:,}")
        if args.warehouse:
            first = run_pipeline(folder, dump_1, DAY_1)
            second = run_pipeline(folder, dump_2, DAY_2)
            versions, changes = warehouse_counts(folder / "warehouse.duckdb")
            print(f"pipeline (load, build, publish): day 1 {first:.1f} s, day 2 {second:.1f} s")
            print(f"after day 2: {versions:,} trial_versions, {changes:,} trial_changes")
            return
        landing = folder / "landing.duckdb"
        started = time.perf_counter()
        land_dump(landing, dump_1, as_of=DAY_1)
        first = time.perf_counter() - started
        before = landing_sizes(landing)
        started = time.perf_counter()
        result = land_dump(landing, dump_2, as_of=DAY_2)
        second = time.perf_counter() - started
        after = landing_sizes(landing)
        print(f"landing load: day 1 {first:.1f} s, day 2 {second:.1f} s")
        print(f"day 2 added: {result.versions_new:,} versions")
        print(f"day 2 added: {result.observations_new:,} observations")
        print(f"raw_studies: {before[0]:,} -> {after[0]:,} rows")
        print(f"record text: {before[1] / 1e6:.1f} -> {after[1] / 1e6:.1f} MB")
        print(f"raw_observations: {before[2]:,} -> {after[2]:,} rows")
        print(f"landing file: {before[3] / 1e6:.1f} -> {after[3] / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
