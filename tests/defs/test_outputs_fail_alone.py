"""One failing output fails nothing beside it: with the exports failing, the site and the
alerts still go out, the run says which output failed and what was published (exit 4),
and the next run makes the exports again."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from orchestration.cli import main
from orchestration.defs.outcome import EVERYTHING_DONE, OUTPUT_FAILED
from orchestration.defs.reports import assets as reports_assets
from orchestration.lib.common.lake import Lake, current_snapshot
from orchestration.lib.reports.exports import STATE
from tests.support.pipeline import data_copy, query
from tests.support.seed_runs import SEED, DailyRuns, received

pytestmark = pytest.mark.long(seconds=110)
DAY = "2026-06-29"


def _seattle_closed(folder: Path) -> Path:
    record = json.loads((SEED / "NCT06529731.2026-06-28.json").read_text())
    (seattle,) = [
        site
        for site in record["protocolSection"]["contactsLocationsModule"]["locations"]
        if site["city"] == "Seattle"
    ]
    seattle["status"] = "COMPLETED"
    record["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = DAY
    dump = folder / f"NCT06529731.{DAY}.json"
    dump.write_text(json.dumps(record))
    return dump


def _exported_sites(exports: Path) -> list[tuple]:
    with duckdb.connect() as con:
        return con.execute(
            "select site_status from read_parquet(?) where city = 'Seattle'",
            [str(exports / "public" / "trial_sites.parquet")],
        ).fetchall()


def test_failing_exports_stop_neither_the_site_nor_the_alerts(
    seed_daily_runs: DailyRuns,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with data_copy(seed_daily_runs.current, tmp_path / "data") as current:
        dump = _seattle_closed(tmp_path)
        before = received(current.outbox)
        exported = json.loads((current.exports / STATE).read_text())["snapshot"]

        def broken(*args: object, **kwargs: object) -> None:
            raise OSError("No space left on device (the exports' disk, on purpose)")

        monkeypatch.setattr(reports_assets, "export_marts", broken)
        assert main(["run", "--source", str(dump), "--as-of", DAY]) == OUTPUT_FAILED
        out, err = capsys.readouterr()
        assert (
            "FAILED exports: parquet_exports: OSError: No space left on device"
            " (the exports' disk, on purpose)" in err
        )
        assert "Published: the warehouse, weekly report, site, alerts, lake maintenance." in err
        assert "Kept as last published: exports; the next run makes them again." in err
        (snapshot,) = query(current, "select max(snapshot_id) from main.runs")[0]
        assert f"published as snapshot {snapshot} of the lake" in out
        page = (current.site / "trials" / "NCT06529731.html").read_text()
        assert "Recruiting status: Completed" in page  # the live site is this run's
        heard = received(current.outbox)
        assert sorted(heard["ana@example.org"]) == sorted(
            [
                *before["ana@example.org"],
                "The site in Seattle, Washington stopped recruiting: it is now completed.",
            ]
        )
        assert json.loads((current.exports / STATE).read_text())["snapshot"] == exported
        assert _exported_sites(current.exports) == [("RECRUITING",)]

        monkeypatch.undo()
        assert main(["run", "--source", str(dump), "--as-of", DAY]) == EVERYTHING_DONE
        assert "Published: the warehouse, exports" in capsys.readouterr().out
        with Lake.of(current).connect() as con:
            latest = current_snapshot(con)  # the publish's, or lake maintenance's after it
        assert json.loads((current.exports / STATE).read_text())["snapshot"] == latest
        assert _exported_sites(current.exports) == [("COMPLETED",)]
        assert received(current.outbox) == heard  # nothing sent twice
