"""Running the pipeline in a temporary data folder, and reading what it built."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.lib.common.settings import Settings, environment, settings

ENV_VARS = ("TRIALWATCH_DATA_DIR", "TRIALWATCH_LANDING", "TRIALWATCH_WAREHOUSE")


@contextmanager
def data_dir(path: Path) -> Iterator[Settings]:
    """Point every trialwatch path at one folder for the duration of the block."""
    with environment({**dict.fromkeys(ENV_VARS), "TRIALWATCH_DATA_DIR": str(path)}):
        yield settings()


def run_everything(
    source: str | Path, as_of: str | None = None, pull: str = "auto"
) -> dg.ExecuteInProcessResult:
    """Materialize the whole asset graph, as `make run` does, in the current data dir."""
    from orchestration.definitions import defs

    config = {"source": str(source), "as_of": as_of, "pull": pull}
    return defs.resolve_job_def("everything").execute_in_process(
        run_config={"ops": {"ctgov_landing": {"config": config}}}, raise_on_error=False
    )


def query(database: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()
