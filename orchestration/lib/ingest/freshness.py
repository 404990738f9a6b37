"""How fresh the registry data should be: it publishes on business days only."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from orchestration.lib.common.duckdb_files import READ_MEMORY, open_read_only
from orchestration.lib.ingest.registry_pull import last_pull_date


def previous_business_day(today: date) -> date:
    """The last Monday-to-Friday before ``today`` (US federal holidays are not modelled)."""
    day = today - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def business_days_behind(last_data: date, today: date) -> int:
    """Business days published since ``last_data`` that we have not pulled, as of ``today``."""
    behind, day = 0, previous_business_day(today)
    while day > last_data:
        behind += 1
        day = previous_business_day(day)
    return behind


def last_registry_data_date(landing: Path, memory: str = READ_MEMORY) -> date | None:
    """The registry data date of the newest successful pull in the landing, if any."""
    if not landing.exists():
        return None
    with open_read_only(landing, memory) as con:
        return last_pull_date(con)
