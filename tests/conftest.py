"""Shared fixtures: the real sample read independently, the pipeline built on it once
for the whole run (tests/support/shared.py), and the sample served as the registry.
Helpers live in tests/support/."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestration.lib.common.settings import SAMPLE_DUMP, Settings
from orchestration.testing.registry_emulator import RegistryEmulator
from tests.support.browser import chromium
from tests.support.pipeline import data_dir, run_everything
from tests.support.seed_runs import (
    DailyRuns,
    NextDay,
    run_daily,
    run_next_day,
    run_out_of_order,
)
from tests.support.shared import built_once


@pytest.fixture(scope="session")
def sample_records() -> list[dict]:
    """The 909 sample studies, read with the standard library only (the independent side)."""
    with gzip.open(SAMPLE_DUMP, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


# The session builds of the whole graph: a test that reads one is marked ``graph``; one
# that serves the registry on loopback or opens the browser, ``slow``. `make test-fast`
# runs neither.
GRAPH_FIXTURES = {
    "sample_warehouse",
    "dated_history",
    "seed_daily_runs",
    "seed_next_day",
    "seed_out_of_order",
}
SERVER_FIXTURES = {"emulator", "browser"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules marked ``long`` first, longest first; the rest in their order. xdist
    (`make test` keeps this order: --no-loadscope-reorder) hands each worker the next
    module as it frees: a long one handed out last would end the run alone."""
    for item in items:
        if GRAPH_FIXTURES.intersection(item.fixturenames):
            item.add_marker("graph")
        if SERVER_FIXTURES.intersection(item.fixturenames):
            item.add_marker("slow")

    def cost(item: pytest.Item) -> int:
        long = item.get_closest_marker("long")
        return -long.kwargs["seconds"] if long else 0

    items.sort(key=cost)


@pytest.fixture(scope="session", autouse=True)
def _shared_builds_first(request: pytest.FixtureRequest) -> None:
    """Under xdist, each worker starts by making a different one of the two longest shared
    builds the run's tests need, so that no worker waits on a build another is making
    while a build it will need is not yet begun."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        return
    needed = {name for item in request.session.items for name in item.fixturenames}
    longest = [name for name in ("dated_history", "seed_daily_runs") if name in needed]
    workers = int(os.environ["PYTEST_XDIST_WORKER_COUNT"])
    for name in longest[int(worker.removeprefix("gw")) :: workers]:
        request.getfixturevalue(name)


def _sample(folder: Path) -> Path:
    with data_dir(folder):
        assert run_everything(SAMPLE_DUMP).success, "the pipeline failed on the bundled sample"
    return folder


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The whole graph materialized once from the bundled sample."""
    with data_dir(built_once(tmp_path_factory, "sample", _sample)) as current:
        yield current


@pytest.fixture(scope="session")
def dated_history(
    tmp_path_factory: pytest.TempPathFactory, sample_records: list[dict]
) -> tuple[dict, Settings]:
    """The dated dumps of tests/support/dated_dumps.py, loaded out of order, built incrementally."""
    from tests.support.dated_dumps import build_series, load_dated_dumps

    series = build_series(sample_records)
    return series, built_once(
        tmp_path_factory, "dated-dumps", lambda folder: load_dated_dumps(series, folder)
    )


@pytest.fixture(scope="session")
def seed_daily_runs(tmp_path_factory: pytest.TempPathFactory) -> DailyRuns:
    """The seed trial's dated dumps one run a day, with sign-ups (tests/support/seed_runs.py)."""
    return built_once(tmp_path_factory, "seed-daily", run_daily)


@pytest.fixture(scope="session")
def seed_next_day(tmp_path_factory: pytest.TempPathFactory, seed_daily_runs: DailyRuns) -> NextDay:
    """The day after the daily runs, twice: its exports failing, then a normal day."""
    return built_once(
        tmp_path_factory, "seed-next-day", lambda folder: run_next_day(seed_daily_runs, folder)
    )


@pytest.fixture(scope="session")
def seed_out_of_order(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The seed trial's dumps landed out of order and built once, through the site."""
    return built_once(tmp_path_factory, "seed-out-of-order", run_out_of_order)


@pytest.fixture(scope="session")
def browser() -> Iterator[str]:
    """One headless Chromium for every page the session's tests open (one per worker):
    its DevTools endpoint, for tests.support.browser.new_page."""
    with chromium() as endpoint:
        yield endpoint


@pytest.fixture
def emulator(sample_records: list[dict]) -> Iterator[RegistryEmulator]:
    """The sample served as the registry on loopback, its data dated 2026-06-24 09:00."""
    with RegistryEmulator(sample_records, retry_after=1, slow_seconds=1.5) as running:
        yield running
