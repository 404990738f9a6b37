"""Trial durations against the sample's raw dates, read here with the standard library."""

from __future__ import annotations

from datetime import date

from orchestration.lib.common.settings import Settings
from tests.support.pipeline import query


def _day(struct: dict | None) -> tuple[date, str] | None:
    """A date of day or month precision (a month counts from its first day), with its type."""
    text = (struct or {}).get("date") or ""
    if len(text) == 10:
        return date.fromisoformat(text), struct.get("type")
    if len(text) == 7:
        return date.fromisoformat(text + "-01"), struct.get("type")
    return None


def test_durations_match_the_registry_dates(
    sample_warehouse: Settings, sample_records: list[dict]
) -> None:
    expected = {}
    for record in sample_records:
        status = record["protocolSection"]["statusModule"]
        posted = date.fromisoformat(status["studyFirstPostDateStruct"]["date"])
        start = _day(status.get("startDateStruct"))
        end = _day(status.get("completionDateStruct"))
        to_start = (start[0] - posted).days if start and start[1] == "ACTUAL" else None
        running = (
            (end[0] - start[0]).days
            if start and end and start[1] == "ACTUAL" and end[1] == "ACTUAL"
            else None
        )
        expected[record["protocolSection"]["identificationModule"]["nctId"]] = (to_start, running)
    found = query(
        sample_warehouse,
        "select nct_id, days_first_posted_to_start, days_start_to_completion"
        " from main.trial_durations",
    )
    assert {n: (a, b) for n, a, b in found} == expected
    # The sample holds enough finished trials for the figure to mean something.
    assert sum(b is not None for _, b in expected.values()) > 100
