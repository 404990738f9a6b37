"""Business days: the registry publishes Monday to Friday."""

from __future__ import annotations

from datetime import date

import pytest

from orchestration.lib.ingest.freshness import business_days_behind, previous_business_day


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 6, 29), date(2026, 6, 26)),  # Monday wants Friday's data
        (date(2026, 6, 28), date(2026, 6, 26)),  # Sunday too
        (date(2026, 6, 30), date(2026, 6, 29)),  # Tuesday wants Monday's
    ],
)
def test_previous_business_day(today: date, expected: date) -> None:
    assert previous_business_day(today) == expected


def test_business_days_behind() -> None:
    assert business_days_behind(date(2026, 6, 26), date(2026, 6, 29)) == 0
    assert business_days_behind(date(2026, 6, 25), date(2026, 6, 29)) == 1
    assert business_days_behind(date(2026, 6, 19), date(2026, 6, 29)) == 5
