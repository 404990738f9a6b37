"""The site state's rows, made a batch at a time, written beside what a build keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.lib.site.site_state import MadeRows, SiteState


def row(number: int) -> dict:
    nct_id = f"NCT{number:08d}"
    term = {"slug": "asthma", "mesh_id": "D001249", "term": "Asthma"}
    return {
        "nct_id": nct_id,
        "fingerprint": f"f{number}",
        "detail_keys": [f"k{number}"],
        "terms": [term] if number % 2 else [],
        "path": f"trials/{nct_id}.html",
        "last_updated": "2026-07-01",
        "listing": "{}",
        "search": "{}",
        "recruiting": None,
        "grade": float(number) if number % 3 == 0 else None,
    }


def test_rows_made_in_batches_are_written_whole_and_replace_the_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(MadeRows, "BATCH", 4)
    made = MadeRows()
    for number in range(1, 11):
        made.add(row(number))
    base = SiteState(tmp_path / "base")
    base.write(None, made.frame(), replaced=set(), meta={"snapshot": 1})
    assert base.ids() == {f"NCT{n:08d}" for n in range(1, 11)}
    assert base.column("grade", "grade is not null") == [3.0, 6.0, 9.0]

    again = MadeRows()
    again.add({**row(2), "fingerprint": "changed"})
    target = SiteState(tmp_path / "target")
    target.write(base, again.frame(), replaced={"NCT00000002", "NCT00000010"}, meta={})
    assert target.fingerprints({"NCT00000001", "NCT00000002", "NCT00000010"}) == {
        "NCT00000001": "f1",
        "NCT00000002": "changed",
    }
    assert MadeRows().frame().height == 0
