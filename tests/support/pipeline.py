"""Running the pipeline in a temporary data folder, and reading what it built."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.lib.common.lake import open_lake
from orchestration.lib.common.settings import Settings, environment, settings

# The asset that ends the warehouse's part of the graph: tests of the warehouse alone run
# up to it, without the site, alerts and reports after it.
WAREHOUSE = "published_warehouse"
# DAGSTER_HOME too (make sets it): a test's runs are recorded in an instance of its own.
ENV_VARS = (
    "TRIALWATCH_DATA_DIR",
    "TRIALWATCH_LANDING",
    "TRIALWATCH_LAKE",
    "TRIALWATCH_LAKE_DATA",
    "DAGSTER_HOME",
)


@contextmanager
def data_dir(path: Path) -> Iterator[Settings]:
    """Point every trialwatch path at one folder for the duration of the block."""
    with environment({**dict.fromkeys(ENV_VARS), "TRIALWATCH_DATA_DIR": str(path)}):
        yield settings()


@contextmanager
def data_copy(source: Settings, path: Path) -> Iterator[Settings]:
    """A copy of ``source``'s data folder at ``path``, every trialwatch path pointed at it:
    for a test that changes what a session fixture built."""
    shutil.copytree(source.data_dir, path, symlinks=True)
    with data_dir(path) as current:
        yield current


def run_everything(
    source: str | Path, as_of: str | None = None, pull: str = "auto", up_to: str | None = None
) -> dg.ExecuteInProcessResult:
    """Materialize the whole asset graph, as `make run` does, in the current data dir; with
    ``up_to`` (an asset's name), only that asset and what it depends on."""
    from orchestration.definitions import defs

    config = {"source": str(source), "as_of": as_of, "pull": pull}
    selection = None
    if up_to is not None:
        graph = defs.resolve_asset_graph()
        selection = list(dg.AssetSelection.assets(up_to).upstream().resolve(graph))
    return defs.resolve_job_def("everything").execute_in_process(
        run_config={"ops": {"ctgov_landing": {"config": config}}},
        asset_selection=selection,
        raise_on_error=False,
    )


def query(source: Path | Settings, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of ``sql`` from a DuckDB file, or from the published lake of some settings."""
    if isinstance(source, Settings):
        with open_lake(source) as con:
            return con.execute(sql, params or []).fetchall()
    with duckdb.connect(str(source), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()
