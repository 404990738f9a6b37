"""Trial documents read a batch of ids at a time are the documents read all at once."""

from __future__ import annotations

import pytest

from orchestration.lib.common.lake import Lake
from orchestration.lib.common.settings import Settings
from orchestration.lib.site.feed import trial_documents
from orchestration.lib.site.plain_language import DeterministicWriter


@pytest.fixture(scope="module")
def warehouse_and_whole(dated_history: tuple[dict, Settings]) -> tuple[Lake, list[dict]]:
    """The dated history's lake and its documents read in one batch."""
    lake = Lake.of(dated_history[1])
    return lake, list(trial_documents(lake, DeterministicWriter(), per_read=10**6))


def test_one_batch_holds_every_trial_in_order(
    warehouse_and_whole: tuple[Lake, list[dict]],
) -> None:
    warehouse, whole = warehouse_and_whole
    with warehouse.connect() as con:
        ids = [row[0] for row in con.execute("select nct_id from main.trials").fetchall()]
    assert [d["nct_id"] for d in whole] == sorted(ids)
    # the history gives batches changes and sites to split, not only trials
    assert any(d["recent_changes"] for d in whole) and any(d["sites"] for d in whole)


# 7: a boundary every few trials (130 batches); 250: a few large batches.
@pytest.mark.parametrize("per_read", [7, 250])
def test_batches_make_the_same_documents(
    warehouse_and_whole: tuple[Lake, list[dict]], per_read: int
) -> None:
    warehouse, whole = warehouse_and_whole
    assert list(trial_documents(warehouse, DeterministicWriter(), per_read=per_read)) == whole
