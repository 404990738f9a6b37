"""One failing output fails nothing beside it: with the exports failing, the site and the
alerts still go out, the run says which output failed and what was published (exit 4),
and the next run makes the exports again (the session's ``seed_next_day``)."""

from __future__ import annotations

from orchestration.defs.outcome import EVERYTHING_DONE, OUTPUT_FAILED
from orchestration.lib.common.lake import Lake, current_snapshot
from tests.support.seed_runs import (
    EXPORTS_BROKEN,
    NextDay,
    exported_sites,
    exported_snapshot,
    received,
)


def test_failing_exports_stop_neither_the_site_nor_the_alerts(seed_next_day: NextDay) -> None:
    day = seed_next_day
    failing = day.failing
    assert failing.code == OUTPUT_FAILED
    assert f"FAILED exports: parquet_exports: OSError: {EXPORTS_BROKEN}" in failing.err
    assert "Published: the warehouse, weekly report, site, alerts, lake maintenance." in failing.err
    assert "Kept as last published: exports; the next run makes them again." in failing.err
    assert f"published as snapshot {day.snapshot_after} of the lake" in failing.out
    assert "Recruiting status: Completed" in day.page_after  # the live site is this run's
    assert sorted(day.received_after["ana@example.org"]) == sorted(
        [
            *day.received_before["ana@example.org"],
            "The site in Seattle, Washington stopped recruiting: it is now completed.",
        ]
    )
    assert day.exported_after == day.exported_before
    assert day.exported_sites_after == [("RECRUITING",)]

    current = day.current
    assert day.again.code == EVERYTHING_DONE
    assert "Published: the warehouse, exports" in day.again.out
    with Lake.of(current).connect() as con:
        latest = current_snapshot(con)  # the publish's, or lake maintenance's after it
    assert exported_snapshot(current) == latest
    assert exported_sites(current.exports) == [("COMPLETED",)]
    assert received(current.outbox) == day.received_after  # nothing sent twice
