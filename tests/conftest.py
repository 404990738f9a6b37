"""Shared fixtures: the real sample read independently, and pipeline runs in temp dirs."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.lib.settings import SAMPLE_DUMP, Paths, environment, paths

ENV_VARS = ("TRIALWATCH_DATA_DIR", "TRIALWATCH_LANDING", "TRIALWATCH_WAREHOUSE")


@pytest.fixture(scope="session")
def sample_records() -> list[dict]:
    """The 909 sample studies, read with the standard library only (the independent side)."""
    with gzip.open(SAMPLE_DUMP, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@contextmanager
def data_dir(path: Path) -> Iterator[Paths]:
    """Point every trialwatch path at one folder for the duration of the block."""
    with environment({**dict.fromkeys(ENV_VARS), "TRIALWATCH_DATA_DIR": str(path)}):
        yield paths()


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


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Paths]:
    """The whole graph materialized once from the bundled sample."""
    with data_dir(tmp_path_factory.mktemp("sample")) as current:
        result = run_everything(SAMPLE_DUMP)
        assert result.success, "the pipeline failed on the bundled sample"
        yield current


@pytest.fixture(scope="session")
def dated_history(
    tmp_path_factory: pytest.TempPathFactory, sample_records: list[dict]
) -> tuple[dict, Paths]:
    """The dated dumps of tests/dated_dumps.py, loaded out of order and built once."""
    from tests.dated_dumps import build_series, load_dated_dumps

    series = build_series(sample_records)
    return series, load_dated_dumps(series, tmp_path_factory.mktemp("dated-dumps"))
