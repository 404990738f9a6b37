"""A trial's timeline in plain words (lib/site/timeline.py)."""

from __future__ import annotations

from datetime import date

from orchestration.lib.site.timeline import timeline


def _change(day: str, field: str, old: str | None, new: str | None) -> dict:
    return {
        "changed_on": date.fromisoformat(day),
        "field": field,
        "old_value": old,
        "new_value": new,
    }


def test_status_and_sites_month_by_month() -> None:
    changes = [
        _change("2019-06-30", "site", None, "UPMC"),
        _change("2019-03-01", "overall_status", "NOT_YET_RECRUITING", "RECRUITING"),
        _change("2019-06-02", "site_status", "NOT_YET_RECRUITING", "RECRUITING"),
        _change("2019-06-02", "site_status", "RECRUITING", "COMPLETED"),
        _change("2019-06-02", "site_status", "COMPLETED", "WITHDRAWN"),  # not recruiting either way
        _change("2020-01-10", "overall_status", "RECRUITING", "SUSPENDED"),
        _change("2020-01-20", "overall_status", "SUSPENDED", "ACTIVE_NOT_RECRUITING"),
        _change("2020-01-20", "site", "UPMC", None),
        _change("2020-05-01", "enrollment_count", "40", "45"),  # not on the timeline
    ]
    assert timeline(changes) == [
        {"month": "2019-03", "label": "Mar 2019", "text": "Recruiting"},
        {"month": "2019-06", "label": "Jun 2019", "text": "2 sites opened; 1 site closed"},
        {"month": "2020-01", "label": "Jan 2020", "text": "Active, not recruiting; 1 site closed"},
    ]


def test_a_long_history_shows_its_latest_months() -> None:
    months = [f"{2010 + n // 12}-{n % 12 + 1:02d}" for n in range(30)]
    changes = [_change(f"{month}-15", "site", None, month) for month in months]
    assert [e["month"] for e in timeline(changes, months=12)] == months[-12:]
    assert timeline([]) == []
