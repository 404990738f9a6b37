"""Benchmark: a code edit that changes no output costs a daily update nothing more.

Output versions (orchestration/lib/common/output_versions.py), not source files, say
when an output must be remade. On a ``--studies`` warehouse (10,000) this runs a full
load and a first daily update, then times three daily updates of ``--changed`` studies
(100) each: one as the code is, one after a comment is added to every module of
``lib/site/`` and to ``lib/common/privacy.py``, and one as the code is again (the files
are restored however the run ends). The edited day is held to the mean of the plain
days around it, since a daily update's cost drifts from one day to the next: it must
cost at most 1.25 times that, and its site feed must remake no trial but the changed.
With ``--record`` the figures go into docs/benchmarks.md.

    .venv/bin/python -m benchmarks.code_edit --record
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from benchmarks.dump_generator import Generator, daily_dump, full_dump
from benchmarks.scale import BENCH_DIR, Run, record, run_job
from orchestration.lib.common.settings import REPO_ROOT

LIB = REPO_ROOT / "orchestration" / "lib"
EDITED = [*sorted((LIB / "site").glob("*.py")), LIB / "common" / "privacy.py"]
TARGET = 1.25


@contextmanager
def commented(paths: list[Path]) -> Iterator[None]:
    """Each file with a comment at its end inside the block, restored after."""
    saved = {path: path.read_bytes() for path in paths}
    try:
        for path in paths:
            path.write_bytes(saved[path] + b"# An edit that changes no output.\n")
        yield
    finally:
        for path, data in saved.items():
            path.write_bytes(data)


def line(name: str, run: Run) -> str:
    feed = run.site_feed
    return f"| {name} | {run.wall_s:.1f} | {feed.get('full_build')} | {feed.get('trials_remade')} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=10_000)
    parser.add_argument("--changed", type=int, default=100)
    parser.add_argument("--record", action="store_true", help="write into docs/benchmarks.md")
    args = parser.parse_args()
    generator = Generator()
    dumps = BENCH_DIR / "dumps" / f"{args.studies}-changed-{args.changed}-seed-{generator.seed}"
    day_0 = dumps / "day-0.zip"
    if not day_0.exists():
        full_dump(day_0, args.studies, generator)
    days = [dumps / f"day-{day}.zip" for day in range(1, 5)]
    for day, dump in enumerate(days, start=1):
        if not dump.exists():
            daily_dump(dump, day, args.studies, args.changed, generator)
    data_dir = BENCH_DIR / f"code-edit-{args.studies}"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)

    def daily(day: int) -> Run:
        as_of = (generator.base_day + timedelta(days=day)).isoformat()
        return run_job("daily_update", data_dir, days[day - 1], as_of)

    run_job("everything", data_dir, day_0, generator.base_day.isoformat())
    daily(1)  # the first daily update after a full load settles the lake's files
    before = daily(2)
    with commented(EDITED):
        edited = daily(3)
    after = daily(4)
    ratio = edited.wall_s / ((before.wall_s + after.wall_s) / 2)
    block = "\n".join(
        [
            f"<!-- code-edit:{args.studies} -->",
            f"A daily update of {args.changed:,} changed studies on {args.studies:,}, in"
            f" seconds: as the code is, after comments are added to the {len(EDITED)}"
            " modules of `lib/site/` and `lib/common/privacy.py`, and as the code is again"
            " (`python -m benchmarks.code_edit`):",
            "",
            "| daily update | wall s | site feed full | trials remade |",
            "| --- | ---: | --- | ---: |",
            line("as the code is", before),
            line("comments added", edited),
            line("as the code is again", after),
            "",
            f"Edited day / mean of the plain days around it: {ratio:.2f}"
            f" (target at most {TARGET}).",
            f"<!-- /code-edit:{args.studies} -->",
        ]
    )
    print(block)
    if args.record:
        record(block, f"code-edit:{args.studies}")
    if ratio > TARGET or edited.site_feed.get("full_build"):
        raise SystemExit(f"an edit that changes no output cost {ratio:.2f} times a plain day")


if __name__ == "__main__":
    main()
