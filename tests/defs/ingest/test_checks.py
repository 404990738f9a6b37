"""The registry freshness check, against a pull from the emulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs.ingest.checks import registry_data_is_fresh
from orchestration.defs.ingest.resources import LandingResource
from orchestration.lib.ingest.freshness import previous_business_day
from orchestration.lib.ingest.registry_client import RegistryClient
from orchestration.lib.ingest.registry_pull import pull
from orchestration.testing.registry_emulator import RegistryEmulator
from tests.support.pipeline import data_dir


@pytest.mark.parametrize(("days_old", "fresh"), [(0, True), (8, False)])
def test_freshness_check(tmp_path: Path, sample_records: list[dict], days_old: int, fresh: bool):
    data_date = previous_business_day(datetime.now(UTC).date()) - timedelta(days=days_old)
    with data_dir(tmp_path) as current:
        result = registry_data_is_fresh(landing=LandingResource())
        assert not result.passed and "No registry pull" in result.description
        with RegistryEmulator(sample_records[:5], f"{data_date}T09:00:00") as emulator:
            pull(current.landing, RegistryClient(emulator.base_url, rate_per_second=0))
        result = registry_data_is_fresh(landing=LandingResource())
    assert result.passed is fresh
    assert result.severity == dg.AssetCheckSeverity.WARN
    assert result.metadata["last_data_date"].value == str(data_date)
