"""The site state's rows, made a batch at a time, written beside what a build keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.lib.site.site_state import MadeRows, SiteState


def row(number: int) -> dict:
    nct_id = f"NCT{number:08d}"
    asthma = {"slug": "asthma", "mesh_id": "D001249", "term": "Asthma"}
    cough = {"slug": "cough", "mesh_id": "D003371", "term": "Cough"}
    return {
        "nct_id": nct_id,
        "fingerprint": f"f{number}",
        "detail_keys": [f"k{number}"],
        "terms": [asthma] * (number % 2) + [cough] * (number % 5 == 0),
        "path": f"trials/{nct_id}.html",
        "last_updated": "2026-07-01",
        "listing": f'{{"nct_id": "{nct_id}"}}',
        "search": "{}",
        "recruiting": None,
        "grade": float(number) if number % 3 == 0 else None,
    }


def test_rows_made_in_batches_are_written_whole_and_replace_the_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(MadeRows, "BATCH", 4)
    base = SiteState(tmp_path / "base")
    made = base.made()
    for number in range(1, 11):
        made.add(row(number))
    assert len(made.parts()) == 3  # batches of 4, 4 and 2 rows
    base.write(None, made, removed=set(), meta={"snapshot": 1})
    assert not made.folder.exists()
    assert base.ids() == {f"NCT{n:08d}" for n in range(1, 11)}
    assert base.column("grade", "grade is not null") == [3.0, 6.0, 9.0]
    listed = {term["slug"]: [t["nct_id"] for t in trials] for term, trials in base.listings()}
    assert listed == {
        "asthma": [f"NCT{n:08d}" for n in (1, 3, 5, 7, 9)],
        "cough": [f"NCT{n:08d}" for n in (5, 10)],
    }
    assert [term for term, _ in base.listings({"cough", "gone"})] == [
        {"slug": "cough", "mesh_id": "D003371", "term": "Cough"}
    ]

    target = SiteState(tmp_path / "target")
    again = target.made()
    again.add({**row(2), "fingerprint": "changed"})
    target.write(base, again, removed={"NCT00000010"}, meta={})
    assert target.fingerprints({"NCT00000001", "NCT00000002", "NCT00000010"}) == {
        "NCT00000001": "f1",
        "NCT00000002": "changed",
    }
    assert target.ids() == {f"NCT{n:08d}" for n in range(1, 10)}

    empty = SiteState(tmp_path / "empty")
    empty.write(None, empty.made(), removed=set(), meta={})
    assert empty.ids() == set()
