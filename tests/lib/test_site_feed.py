"""Trial documents read a batch of ids at a time are the documents read all at once."""

from __future__ import annotations

import duckdb
import pytest

from orchestration.lib.plain_language import DeterministicWriter
from orchestration.lib.settings import Paths
from orchestration.lib.site_feed import trial_documents


@pytest.mark.parametrize("per_read", [1, 7, 250])
def test_batches_make_the_same_documents(dated_history: tuple[dict, Paths], per_read: int) -> None:
    _, current = dated_history
    writer = DeterministicWriter()
    whole = list(trial_documents(current.warehouse, writer, per_read=1_000_000))
    with duckdb.connect(str(current.warehouse), read_only=True) as con:
        ids = [row[0] for row in con.execute("select nct_id from main.trials").fetchall()]
    assert [d["nct_id"] for d in whole] == sorted(ids)
    # the history gives batches changes and sites to split, not only trials
    assert any(d["recent_changes"] for d in whole) and any(d["sites"] for d in whole)
    assert list(trial_documents(current.warehouse, writer, per_read=per_read)) == whole
