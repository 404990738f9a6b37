"""The contract of every incremental consumer: after the session's sequences of runs, what
each kept up to date from the change feed equals what it makes whole from the same input.

- the warehouse: a full rebuild of the landing (every published table, row for row);
- the site (documents, pages, search index): a site built whole from the lake, byte for byte;
- the exports: an export made whole from the lake, row for row.

The sequences: the seed trial's daily runs (one run a day, then a plain rerun); the
dated dumps (out of order, a backdated day, a reload and a quarantined dump built in one
run); the seed trial's next day (the exports failing, then made good by the next run).
The drawn histories (test_drawn_histories.py) hold the warehouse to it after any sequence.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from orchestration.lib.common.settings import Settings
from tests.support.pipeline import data_dir
from tests.support.rebuild import disagreements, export_differences
from tests.support.sites import live_site_built_whole, site_differences

# About 90 s of a worker's time on CI, beyond the session's builds it reads (chosen by
# its parameter, so marked graph here rather than from its fixtures).
pytestmark = [pytest.mark.long(seconds=90), pytest.mark.graph]

TIMELINES: dict[str, Callable[[object], Settings]] = {
    "seed_daily_runs": lambda runs: runs.current,
    "dated_history": lambda built: built[1],
    "seed_next_day": lambda day: day.current,
}


def _site(current: Settings, folder: Path) -> dict:
    # Made from the build before it, at least once: the incremental path was taken.
    assert not live_site_built_whole(current)
    return site_differences(current, folder)


CONSUMERS: dict[str, Callable[[Settings, Path], dict]] = {
    "warehouse": disagreements,
    "site": _site,
    "exports": export_differences,
}


@pytest.mark.parametrize("consumer", CONSUMERS)
@pytest.mark.parametrize("timeline", TIMELINES)
def test_what_each_consumer_kept_equals_what_it_makes_whole(
    timeline: str, consumer: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    current = TIMELINES[timeline](request.getfixturevalue(timeline))
    with data_dir(current.data_dir) as same:
        assert CONSUMERS[consumer](same, tmp_path / "whole") == {}
