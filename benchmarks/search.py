"""Benchmark: search at scale, on the site a `make bench` run built (data/bench/run-N).

- the index made whole from the live build's site state, and brought up to date after
  ``--changed`` trials were remade (the previous index copied, their entries put in);
- the web service (``python -m orchestration.web``, one process) answering a fixed set of
  queries (words, a condition, a place and radius, combined filters), each asked
  ``--rounds`` times: the 95th percentile of the time to the whole answer, and the
  service's peak memory.

``--record`` writes the figures into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

from benchmarks.scale import BENCH_DIR, record
from orchestration.lib.search.build import build_index
from orchestration.lib.site.builds import SiteBuilds
from orchestration.lib.site.site_state import SiteState

QUERIES = [
    {"q": "cancer"},
    {"q": "breast cancer"},
    {"q": "diabetes", "status": ["RECRUITING", "COMPLETED"]},
    {"q": "leukemia", "near": "Seattle", "radius": "100"},
    {"near": "Boston, MA", "radius": "50"},
    {"near": "10032", "radius": "25"},
    {"near": "Texas"},
    {"near": "France", "phase": ["2", "3"]},
    {"q": "heart failure", "near": "London", "radius": "250", "age": "70", "sex": "FEMALE"},
    {"q": "depression", "age": "16", "phase": ["2"], "type": "INTERVENTIONAL"},
    {"q": "vaccine", "healthy": "1", "near": "Houston", "radius": "500"},
    {"q": "pain", "page": "3"},
]


def index_times(data_dir: Path, changed: int) -> dict[str, float]:
    """Seconds to make the index whole, and to bring it up to date after ``changed``."""
    builds = SiteBuilds(data_dir / "site")
    state = SiteState(builds.state(builds.current()))
    with tempfile.TemporaryDirectory(dir=data_dir) as scratch:
        whole, daily = SiteState(Path(scratch) / "whole"), SiteState(Path(scratch) / "daily")
        for folder in (whole.folder, daily.folder):
            folder.mkdir()
            (folder / "trials.parquet").symlink_to(state.trials)
        started = time.perf_counter()
        made = build_index(whole, None, None)
        full_s = time.perf_counter() - started
        ids = sorted(state.ids())
        remade = {ids[i * len(ids) // changed] for i in range(changed)}
        started = time.perf_counter()
        build_index(daily, whole.folder, remade)
        daily_s = time.perf_counter() - started
        size = (whole.folder / "search.sqlite").stat().st_size
    return {"trials": made.trials, "full_s": full_s, "daily_s": daily_s, "size_mb": size / 1e6}


def service_times(data_dir: Path, rounds: int) -> dict[str, float]:
    """The 95th percentile of the answers' times (ms) and the service's peak memory (MB)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "TRIALWATCH_DATA_DIR": str(data_dir)}
    server = subprocess.Popen(
        [sys.executable, "-m", "orchestration.web", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    peak, done = 0, threading.Event()

    def sample() -> None:
        nonlocal peak
        process = psutil.Process(server.pid)
        while not done.is_set():
            try:
                peak = max(peak, process.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.05)

    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            for _ in range(300):
                try:
                    client.get("/index.html")
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            watcher = threading.Thread(target=sample, daemon=True)
            watcher.start()
            for query in QUERIES:  # the first answer of each warms the caches
                client.get("/search", params=query).raise_for_status()
            times = []
            for _ in range(rounds):
                for query in QUERIES:
                    started = time.perf_counter()
                    client.get("/search", params=query).raise_for_status()
                    times.append((time.perf_counter() - started) * 1000)
    finally:
        done.set()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": statistics.quantiles(times, n=20)[-1],
        "max_ms": max(times),
        "peak_mb": peak / 1e6,
        "answers": len(times),
    }


def block(studies: int, index: dict[str, float], service: dict[str, float]) -> str:
    return "\n".join(
        [
            f"<!-- search:{studies} -->",
            f"### Search at {studies:,} studies",
            "",
            "| measure | value | target |",
            "| --- | ---: | ---: |",
            f"| index made whole ({index['trials']:,} trials) | {index['full_s']:.1f} s | 60 s |",
            f"| index after 1,000 changed | {index['daily_s']:.2f} s | 5 s |",
            f"| index size | {index['size_mb']:.0f} MB | |",
            f"| answer, 95th percentile ({service['answers']} answers) | {service['p95_ms']:.0f} ms"
            " | 100 ms |",
            f"| answer, median / slowest | {service['p50_ms']:.0f} / {service['max_ms']:.0f} ms"
            " | |",
            f"| web service, peak memory | {service['peak_mb']:.0f} MB | 500 MB |",
            f"<!-- /search:{studies} -->",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=10_000)
    parser.add_argument("--changed", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--record", action="store_true", help="write into docs/benchmarks.md")
    args = parser.parse_args()
    data_dir = BENCH_DIR / f"run-{args.studies}"
    if not (data_dir / "site").exists():
        sys.exit(f"No site in {data_dir}: run make bench STUDIES={args.studies} first.")
    figures = block(
        args.studies, index_times(data_dir, args.changed), service_times(data_dir, args.rounds)
    )
    print(figures)
    if args.record:
        record(figures, f"search:{args.studies}")


if __name__ == "__main__":
    main()
