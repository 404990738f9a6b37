"""Benchmark: the history backfill's throughput when the registry is not the limit.

The emulator, in a process of its own on loopback, serves ``--studies`` sample trials
(the sample repeated under new ids past 909), each given one of the 140 real trials'
histories in turn; a landing holds each trial's current record, as after a first pull.
The backfill then reads every index and fetches every other version at no rate limit:
versions landed a second (as whole records: fetched, checked, validated, landed and
numbered), the landing's growth, and the peak memory of the process (which also holds
the histories it made for the emulator).

``--record`` writes the figures into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import copy
import itertools
import pickle
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from benchmarks.scale import record
from orchestration.lib.common.settings import SAMPLE_DUMP
from orchestration.lib.ingest.backfill import backfill
from orchestration.lib.ingest.landing import land_dump
from orchestration.lib.ingest.registry_client import RegistryClient
from orchestration.testing.change_patterns import (
    read_histories,
    registry_history,
    study_id,
    write_jsonl,
)
from orchestration.testing.registry_emulator import load_studies

SERVE = """
import pickle, sys
from orchestration.testing.registry_emulator import RegistryEmulator
histories = pickle.load(open(sys.argv[1], "rb"))
emulator = RegistryEmulator([v[-1] for v in histories.values()], "2026-07-01T09:00:00")
emulator.set_histories(histories)
print(emulator.base_url, flush=True)
emulator._server.serve_forever()
"""


def trials(count: int) -> dict[str, list[dict]]:
    """``count`` trials, each the history of a real trial replayed on a sample record."""
    sample = sorted(load_studies(str(SAMPLE_DUMP)), key=study_id)
    real = [read_histories()[n] for n in sorted(read_histories())]
    out: dict[str, list[dict]] = {}
    for number, (base, history) in enumerate(
        zip(itertools.cycle(sample), itertools.cycle(real), strict=False)
    ):
        if number == count:
            break
        study = copy.deepcopy(base)
        if number >= len(sample):  # the sample again, under ids of its own
            study["protocolSection"]["identificationModule"]["nctId"] = f"NCT9{number:07d}"
        out[study_id(study)] = registry_history(study, history)
    return out


def measure(count: int) -> dict[str, float]:
    histories = trials(count)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "histories.pickle").write_bytes(pickle.dumps(histories))
        landing = folder / "landing.duckdb"
        land_dump(landing, write_jsonl(folder / "now.jsonl", (v[-1] for v in histories.values())))
        before = landing.stat().st_size
        server = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(folder / "histories.pickle")],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            base_url = server.stdout.readline().strip()
            peak = _PeakMemory()
            started = time.perf_counter()
            with RegistryClient(base_url, rate_per_second=0) as client:
                result = backfill(landing, client, folder / "journal")
            seconds = time.perf_counter() - started
            peak.stop()
        finally:
            server.terminate()
            server.wait()
        assert result.done, result
        return {
            "trials": count,
            "versions": result.versions_fetched,
            "matched": result.versions_matched,
            "seconds": seconds,
            "per_second": result.versions_fetched / seconds,
            "landing_mb": (landing.stat().st_size - before) / 1e6,
            "peak_mb": peak.most / 1e6,
        }


class _PeakMemory:
    """This process's peak resident memory, sampled every 50 ms."""

    def __init__(self) -> None:
        self.most, self._done = 0, threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        process = psutil.Process()
        while not self._done.wait(0.05):
            self.most = max(self.most, process.memory_info().rss)

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def block(figures: dict[str, float]) -> str:
    return "\n".join(
        [
            f"<!-- backfill:{figures['trials']} -->",
            f"### History backfill throughput, {figures['trials']:,} trials",
            "",
            "| measure | result | target |",
            "| --- | --- | --- |",
            f"| versions fetched and landed | {figures['versions']:,.0f}"
            f" (and {figures['matched']:,.0f} held already, matched) | |",
            f"| time | {figures['seconds']:.1f} s | |",
            f"| versions landed a second | {figures['per_second']:.0f} | at least 300 |",
            f"| landing growth | {figures['landing_mb']:.1f} MB | |",
            "| peak memory (with the histories made for the emulator) |"
            f" {figures['peak_mb']:.0f} MB | |",
            f"<!-- /backfill:{figures['trials']} -->",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=1_000)
    parser.add_argument("--record", action="store_true", help="write into docs/benchmarks.md")
    args = parser.parse_args()
    figures = block(measure(args.studies))
    print(figures)
    if args.record:
        record(figures, f"backfill:{args.studies}")


if __name__ == "__main__":
    main()
