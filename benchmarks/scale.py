"""Benchmark: the whole pipeline at registry scale, stage by stage.

For ``--studies`` N it generates (once, kept in ``data/bench/dumps``) a bulk-download
zip of N studies and ``--days`` daily dumps of ``--changed`` studies each, then in a
fresh data folder runs:

1. the full load: the ``everything`` job on the zip (land, every dbt model and test,
   history, publish, site, alerts, exports, report);
2. the daily updates: the ``daily_update`` job on each following day's dump, in order,
   measuring each, so that growth with history shows.

Each runs in a child process while this one samples the resident memory of the
whole process tree (Dagster, dbt, the load's workers). It prints, and with
``--record`` writes into docs/benchmarks.md, each stage's time, the peak memory (and
the steps that reached the highest) and the size on disk of the landing, the lake,
the dbt build and the site, after the full load and after each day.

    .venv/bin/python -m benchmarks.scale --studies 100000 --days 10 --record
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil

from benchmarks.dump_generator import Generator, daily_dump, full_dump
from orchestration.lib.common.settings import REPO_ROOT

BENCH_DIR = REPO_ROOT / "data" / "bench"
RESULTS = REPO_ROOT / "docs" / "benchmarks.md"
# dbt nodes whose time counts as history rather than as the other models.
HISTORY_MODELS = ("int_trial_versions", "trial_versions", "trial_changes", "recruiting_status")
# (stage, the job steps whose time it is); landing and dbt are split further below.
STEPS = {
    "publish": ("published_warehouse",),
    "lake upkeep": ("lake_maintenance",),
    "site feed": ("site_feed", "site_pages"),
    "search index": ("site_search",),
    "site check": ("site_published",),
    "alerts": ("subscriptions", "alert_digests"),
    "exports": ("parquet_exports",),
    "report": ("weekly_report",),
}


@dataclass
class Run:
    """One job's figures."""

    wall_s: float
    peak_rss: int
    stages: dict[str, float] = field(default_factory=dict)
    # The highest memory sampled while each Dagster step ran (the steps overlap a little).
    step_peaks: dict[str, int] = field(default_factory=dict)
    # What the site feed said of itself (full_build, trials_remade, ...).
    site_feed: dict[str, Any] = field(default_factory=dict)


class TreeMemory:
    """Samples the summed resident memory of a process and its descendants."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        self.samples: list[tuple[float, int]] = []
        self._root = psutil.Process(pid)
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            total = 0
            # A process may end between being listed and being measured.
            with contextlib.suppress(psutil.Error):
                for process in [self._root, *self._root.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        total += process.memory_info().rss
            self.samples.append((time.time(), total))
            self._stop.wait(self._every)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak(self) -> int:
        return max((rss for _, rss in self.samples), default=0)

    def peak_between(self, start: float, end: float) -> int:
        return max((rss for at, rss in self.samples if start <= at <= end), default=0)


def run_job(job: str, data_dir: Path, source: Path, as_of: str) -> Run:
    out = data_dir / f"timings-{job}.json"
    started = time.perf_counter()
    child = subprocess.Popen(
        [
            *(sys.executable, "-m", "benchmarks.job_timings", job, "--source", str(source)),
            *("--as-of", as_of, "--out", str(out)),
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "TRIALWATCH_DATA_DIR": str(data_dir)},
    )
    memory = TreeMemory(child.pid)
    code = child.wait()
    memory.stop()
    if code:
        raise SystemExit(f"{job} failed (exit {code})")
    timings = json.loads(out.read_text())
    step_peaks = {
        step: memory.peak_between(start, end) for step, (start, end) in timings["windows"].items()
    }
    return Run(
        time.perf_counter() - started,
        memory.peak,
        stages(timings),
        step_peaks,
        timings.get("site_feed", {}),
    )


def stages(timings: dict[str, Any]) -> dict[str, float]:
    """The job's time by stage; dbt's step is shared by its nodes' busy time."""
    steps: dict[str, float] = timings["steps"]
    out = {
        "unpack and parse": timings["landing"].get("parse_s", 0.0),
        "raw landing": steps.get("ctgov_landing", 0.0) - timings["landing"].get("parse_s", 0.0),
    }
    nodes: dict[str, float] = timings["dbt_nodes"]
    busy = {"dbt models": 0.0, "history": 0.0, "dbt tests": 0.0}
    for unique_id, seconds in nodes.items():
        kind, *_, name = unique_id.split(".")
        if kind in ("test", "unit_test"):
            busy["dbt tests"] += seconds
        elif name in HISTORY_MODELS:
            busy["history"] += seconds
        else:
            busy["dbt models"] += seconds
    total_busy = sum(busy.values()) or 1.0
    for name, seconds in busy.items():
        out[name] = steps.get("warehouse_models", 0.0) * seconds / total_busy
    for stage, keys in STEPS.items():
        out[stage] = sum(steps.get(key, 0.0) for key in keys)
    out["checks and start-up"] = timings["wall_s"] - sum(out.values())
    return out


def sizes(data_dir: Path) -> dict[str, int]:
    def du(path: Path) -> int:
        if path.is_file():
            return path.stat().st_size
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())

    return {
        "landing": du(data_dir / "landing.duckdb"),
        "lake": du(data_dir / "lake"),
        "build": du(data_dir / ".build" / "warehouse.duckdb"),
        "site": du(data_dir / "site"),
        "exports": du(data_dir / "exports"),
    }


def report(
    args: argparse.Namespace, generated: float, full: Run, dailies: list[tuple[Run, dict]]
) -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO_ROOT
    ).stdout.strip()
    machine = (
        f"{psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GB, "
        f"{platform.python_implementation()} {platform.python_version()}"
    )
    daily, disk = dailies[0][0], dailies[-1][1]
    names = list(dict.fromkeys([*full.stages, *daily.stages]))
    rows = [
        f"| {name} | {full.stages.get(name, 0):.1f} | {daily.stages.get(name, 0):.1f} |"
        for name in names
    ]
    days = f" DAYS={args.days}" if args.days > 1 else ""
    lines = [
        f"<!-- bench:{args.studies} -->",
        f"### {args.studies:,} studies",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {machine}, commit `{commit}`:",
        f"`make bench STUDIES={args.studies} CHANGED={args.changed}{days}`"
        f" (dumps generated in {generated:.0f} s, kept for reruns).",
        "",
        f"| seconds | full load | first daily update ({args.changed:,} changed) |",
        "| --- | ---: | ---: |",
        *rows,
        f"| **total (wall)** | **{full.wall_s:.1f}** | **{daily.wall_s:.1f}** |",
        f"| peak memory, process tree | {full.peak_rss / 2**30:.2f} GB"
        f" | {daily.peak_rss / 2**30:.2f} GB |",
        "",
        f"Steps with the highest memory, full load / daily update: {heaviest_steps(full, daily)}.",
        "",
        f"On disk after the last day: landing {disk['landing'] / 2**20:,.0f} MB, lake (every"
        f" snapshot) {disk['lake'] / 2**20:,.0f} MB, dbt build {disk['build'] / 2**20:,.0f} MB,"
        f" site {disk['site'] / 2**20:,.0f} MB.",
    ]
    if len(dailies) > 1:
        lines += ["", *day_by_day(full, dailies)]
    lines.append(f"<!-- /bench:{args.studies} -->")
    return "\n".join(lines)


def day_by_day(full: Run, dailies: list[tuple[Run, dict]]) -> list[str]:
    """Each daily update's time by stage, peak memory and sizes: the curve with history."""
    stages = (
        "raw landing",
        "dbt models",
        "history",
        "dbt tests",
        "publish",
        "site feed",
        "site check",
        "alerts",
        "exports",
    )
    sized = ("landing", "lake", "build", "site", "exports")
    header = " | ".join(["day", "wall s", *stages, "other", "peak GB", *(f"{k} MB" for k in sized)])
    lines = [f"| {header} |", "| ---: " * (len(stages) + 4 + len(sized)) + "|"]
    for day, (run, disk) in enumerate(dailies, start=1):
        measured = [run.stages.get(stage, 0.0) for stage in stages]
        other = run.wall_s - sum(measured)
        cells = [
            str(day),
            f"{run.wall_s:.1f}",
            *(f"{seconds:.1f}" for seconds in measured),
            f"{other:.1f}",
            f"{run.peak_rss / 2**30:.2f}",
            *(f"{disk[k] / 2**20:,.0f}" for k in sized),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def heaviest_steps(full: Run, daily: Run, count: int = 4) -> str:
    """The ``count`` steps with the highest peak in the full load, with both runs' peaks."""
    steps = sorted(full.step_peaks, key=full.step_peaks.__getitem__, reverse=True)[:count]
    both = {step: (full.step_peaks[step], daily.step_peaks.get(step, 0)) for step in steps}
    return ", ".join(
        f"`{step}` {a / 2**30:.2f} / {b / 2**30:.2f} GB" for step, (a, b) in both.items()
    )


def record(block: str, marker: str) -> None:
    """Put the block (between ``<!-- marker -->`` and ``<!-- /marker -->``) in
    docs/benchmarks.md, replacing the last one of the same marker."""
    text = RESULTS.read_text()
    pattern = re.compile(rf"<!-- {marker} -->.*?<!-- /{marker} -->", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.replace("<!-- bench:end -->", f"{block}\n\n<!-- bench:end -->")
    RESULTS.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=10_000)
    parser.add_argument("--changed", type=int, default=1_000)
    parser.add_argument("--days", type=int, default=1, help="daily updates after the full load")
    parser.add_argument("--record", action="store_true", help="write into docs/benchmarks.md")
    args = parser.parse_args()
    generator = Generator()
    dumps = BENCH_DIR / "dumps" / f"{args.studies}-changed-{args.changed}-seed-{generator.seed}"
    started = time.perf_counter()
    day_0 = dumps / "day-0.zip"
    if not day_0.exists():
        full_dump(day_0, args.studies, generator)
    days = [dumps / f"day-{day}.zip" for day in range(1, args.days + 1)]
    for day, dump in enumerate(days, start=1):
        if not dump.exists():
            daily_dump(dump, day, args.studies, args.changed, generator)
    generated = time.perf_counter() - started
    data_dir = BENCH_DIR / f"run-{args.studies}"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    full = run_job("everything", data_dir, day_0, generator.base_day.isoformat())
    # Printed at once: if a daily update fails, the figures before it are not lost.
    print(f"full load: {full.wall_s:.1f} s, peak {full.peak_rss / 2**30:.2f} GB", flush=True)
    print(json.dumps(full.stages), flush=True)
    print(json.dumps(full.step_peaks), flush=True)
    dailies = []
    for day, dump in enumerate(days, start=1):
        as_of = (generator.base_day + timedelta(days=day)).isoformat()
        daily = run_job("daily_update", data_dir, dump, as_of)
        dailies.append((daily, sizes(data_dir)))
        print(f"day {day}: {daily.wall_s:.1f} s {json.dumps(daily.stages)}", flush=True)
    block = report(args, generated, full, dailies)
    print(block)
    if args.record:
        record(block, f"bench:{args.studies}")


if __name__ == "__main__":
    main()
