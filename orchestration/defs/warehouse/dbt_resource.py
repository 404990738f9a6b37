"""dagster-dbt's CLI resource, without two costs it pays on every run that this project
does not need: ~3 s to ask the dbt executable its version (in a subprocess), and ~4 s to
open a dbt adapter in the Dagster process, which serves only ``fetch_column_metadata``
and ``fetch_row_counts`` (never called here: the publish step records the tables'
counts itself)."""

from __future__ import annotations

import sys
from functools import cache, cached_property
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from dagster_dbt import DbtCliResource
from packaging import version

# The dbt installed beside this interpreter, whether or not its venv is on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
# No dbt.log: written at debug level (every statement of every node), it costs a daily
# build ~15% of its time; each node's result is in the run's log, from dbt's stdout.
NO_FILE_LOG = ["--log-level-file", "none"]


@cache
def _dbt_version() -> version.Version:
    # The executable above is dbt-core's own entry point, so its version is the package's.
    return version.parse(installed_version("dbt-core"))


class WarehouseDbt(DbtCliResource):
    """The dbt CLI as dagster-dbt runs it, with dbt's version read once per process and
    no adapter opened beside the dbt subprocess."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return _dbt_version()

    def _initialize_dbt_core_adapter(self, args: Any) -> None:  # type: ignore[override]
        return None
