"""The contract of the incremental builds: after any sequence of daily runs, every
published table equals what a full rebuild from the same landing gives, row for row, and
the exports equal an export made whole from the same lake (the site's: tests/support/sites.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb

from orchestration.defs.warehouse.dbt_resource import NO_ARTIFACTS, NO_FILE_LOG
from orchestration.defs.warehouse.resources import UNPUBLISHED
from orchestration.lib.common.lake import Lake, open_lake
from orchestration.lib.common.settings import DBT_PROJECT_DIR, Settings
from orchestration.lib.reports.exports import export_marts
from orchestration.lib.warehouse.build_state import FULL_BUILD_ONLY
from tests.support.lakes import counted_rows, differences

DBT = str(Path(sys.executable).with_name("dbt"))


def full_rebuild(current: Settings, folder: Path) -> Path:
    """Every model rebuilt whole from ``current``'s landing (`dbt build --full-refresh`, as
    `make rebuild` runs it, without the tests) into a build file in ``folder``."""
    # The landing, only read, is linked into the folder, where dbt's profile expects it
    # (Settings.dbt_env): the same profile as the project's parse, which dbt starts from.
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "landing.duckdb").symlink_to(current.landing)
    rebuilt = current.replace(data_dir=folder)
    rebuilt.build_dir.mkdir(parents=True, exist_ok=True)
    command = [DBT, *NO_FILE_LOG, "build", *NO_ARTIFACTS, "--full-refresh", "--quiet"]
    command += ["--profiles-dir", "."]
    command += ["--resource-type", "seed", "--resource-type", "model"]
    # AACT's views hold no rows to compare (differences compares tables).
    command += ["--exclude", *FULL_BUILD_ONLY]
    command += ["--target-path", str(folder / "target")]
    # The counts of sign-ups the last build read: what `make rebuild` reads too.
    counts = {"TRIALWATCH_SUBSCRIBER_COUNTS": str(current.subscriber_counts)}
    subprocess.run(
        command,
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, **rebuilt.dbt_env(), **counts},
        check=True,
    )
    return rebuilt.build_warehouse


def disagreements(current: Settings, folder: Path) -> dict:
    """Where ``current``'s published lake differs from a full rebuild of its landing:
    {table: (rows only in the rebuild, rows only in the lake)}; empty when they agree."""
    rebuilt = full_rebuild(current, folder)
    with open_lake(current) as con:
        return differences(con, rebuilt, UNPUBLISHED)


def export_differences(current: Settings, folder: Path) -> dict[str, str]:
    """Where ``current``'s exports differ from an export made whole from its lake into
    ``folder``: {file: how}, empty when every file holds the same rows."""
    export_marts(Lake.of(current), folder)
    with duckdb.connect() as con:

        def rows(root: Path) -> dict[str, Counter]:
            return {
                path.relative_to(root).as_posix(): counted_rows(con, f"from read_parquet('{path}')")
                for path in root.rglob("*.parquet")
            }

        kept, whole = rows(current.exports), rows(folder)
    return {
        name: "only whole" if name not in kept else "only kept" if name not in whole else "differs"
        for name in sorted(kept.keys() | whole.keys())
        if kept.get(name) != whole.get(name)
    }
