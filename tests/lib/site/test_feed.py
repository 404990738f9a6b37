"""Trial documents read a batch of ids at a time are the documents read all at once; a
build that asks for a few trials gets theirs, and none whose fingerprint it knows."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from orchestration.lib.common.lake import Lake
from orchestration.lib.common.privacy import warehouse_scrubber
from orchestration.lib.common.settings import Settings
from orchestration.lib.site.feed import TrialDocument, trial_documents
from orchestration.lib.site.plain_language import DeterministicWriter


@pytest.fixture(scope="module")
def lake(dated_history: tuple[dict, Settings]) -> Iterator[duckdb.DuckDBPyConnection]:
    with Lake.of(dated_history[1]).connect() as con:
        yield con


@pytest.fixture(scope="module")
def whole(lake: duckdb.DuckDBPyConnection) -> list[TrialDocument]:
    """The dated history's documents read in one batch."""
    scrubber = warehouse_scrubber(lake)
    return list(trial_documents(lake, DeterministicWriter(), scrubber, per_read=10**6))


def test_one_batch_holds_every_trial_in_order(
    lake: duckdb.DuckDBPyConnection, whole: list[TrialDocument]
) -> None:
    ids = [row[0] for row in lake.execute("select nct_id from main.trials").fetchall()]
    assert [d.nct_id for d in whole] == sorted(ids)
    documents = [d.document for d in whole]
    # the history gives batches changes and sites to split, not only trials
    assert any(d["recent_changes"] for d in documents) and any(d["sites"] for d in documents)
    assert len({d.fingerprint for d in whole}) == len(whole)


# 7: a boundary every few trials (130 batches); 250: a few large batches.
@pytest.mark.parametrize("per_read", [7, 250])
def test_batches_make_the_same_documents(
    lake: duckdb.DuckDBPyConnection, whole: list[TrialDocument], per_read: int
) -> None:
    scrubber = warehouse_scrubber(lake)
    batched = trial_documents(lake, DeterministicWriter(), scrubber, per_read=per_read)
    assert list(batched) == whole


def test_a_few_trials_are_read_alone_and_a_known_fingerprint_is_not_remade(
    lake: duckdb.DuckDBPyConnection, whole: list[TrialDocument]
) -> None:
    scrubber = warehouse_scrubber(lake)
    chosen = whole[3::100]
    wanted = {d.nct_id for d in chosen} | {"NCT99999999"}  # one the lake does not hold
    known = {chosen[0].nct_id: chosen[0].fingerprint, chosen[1].nct_id: "another"}
    found = list(
        trial_documents(lake, DeterministicWriter(), scrubber, per_read=3, only=wanted, known=known)
    )
    assert [d.nct_id for d in found] == [d.nct_id for d in chosen]
    assert found[0].document is None and found[0].fingerprint == chosen[0].fingerprint
    assert found[1:] == chosen[1:]
