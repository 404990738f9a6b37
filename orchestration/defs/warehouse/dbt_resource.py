"""dagster-dbt's CLI resource, without two costs it pays on every run that this project
does not need: ~3 s to ask the dbt executable its version (in a subprocess), and ~4 s to
open a dbt adapter in the Dagster process, which serves only ``fetch_column_metadata``
and ``fetch_row_counts`` (never called here: the publish step records the tables'
counts itself). Also the project's own parse: ``python -m`` this module (``make
manifest``)."""

from __future__ import annotations

import sys
from functools import cache, cached_property
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

from orchestration.lib.common.settings import DBT_PROJECT_DIR, environment, settings

# The dbt installed beside this interpreter, whether or not its venv is on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
# No dbt.log: written at debug level (every statement of every node), it costs a daily
# build ~15% of its time; each node's result is in the run's log, from dbt's stdout.
NO_FILE_LOG = ["--log-level-file", "none"]
# No manifest.json or run_results.json in a build's target (dumped twice, ~10% of a small
# daily build's time): Dagster reads the results from dbt's structured log, and the
# manifest it loads is the project's own parse. The saved parse is written all the same.
NO_ARTIFACTS = ["--no-write-json"]
DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR)


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


def dbt_cli() -> WarehouseDbt:
    return WarehouseDbt(
        project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE, global_config_flags=NO_FILE_LOG
    )


def parse_project() -> None:
    """Parse the project into its own target: the manifest Dagster loads, and the saved
    parse a new data folder's first build starts from, made with the same profile."""
    with environment(settings().dbt_env()):
        invocation = dbt_cli().cli(["parse", "--quiet"], target_path=DBT_PROJECT.target_path)
    invocation.wait()


if __name__ == "__main__":
    parse_project()
