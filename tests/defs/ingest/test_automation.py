"""Schedules, the inbox sensor and the freshness check, with Dagster's own test helpers."""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs.ingest.automation import (
    INBOX_SETTLE_SECONDS,
    daily_update_schedule,
    inbox_sensor,
    weekly_reconcile_schedule,
)
from orchestration.defs.ingest.checks import registry_data_is_fresh
from orchestration.defs.ingest.resources import LandingResource
from orchestration.lib.freshness import business_days_behind, previous_business_day
from orchestration.lib.registry_client import RegistryClient
from orchestration.lib.registry_emulator import RegistryEmulator
from orchestration.lib.registry_pull import pull
from tests.conftest import data_dir


@pytest.mark.parametrize(
    ("schedule", "pull_kind", "days_of_week"),
    [(daily_update_schedule, "auto", "*"), (weekly_reconcile_schedule, "download", "0")],
)
def test_schedules_pull_the_registry(schedule, pull_kind: str, days_of_week: str) -> None:
    assert schedule.cron_schedule.split()[4] == days_of_week  # every day, or Sundays
    context = dg.build_schedule_context(
        scheduled_execution_time=datetime(2026, 6, 28, 7, tzinfo=UTC)
    )
    (request,) = schedule.evaluate_tick(context).run_requests
    assert request.job_name in (None, schedule.job_name)
    # The job carries the configuration each tick runs with.
    assert schedule.job.config["ops"]["ctgov_landing"]["config"] == {
        "source": "registry",
        "pull": pull_kind,
    }


def _age(path: Path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_inbox_sensor_loads_settled_dumps_once(tmp_path: Path) -> None:
    with data_dir(tmp_path):
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        settled = inbox / "ctg-studies.json.zip"
        settled.write_bytes(b"PK")
        _age(settled, INBOX_SETTLE_SECONDS + 5)
        (inbox / "copying.jsonl").write_text("{}")  # still being written
        (inbox / "partial.zip.part").write_bytes(b"")
        (inbox / ".hidden.json").write_text("{}")
        with dg.instance_for_test() as instance:
            context = dg.build_sensor_context(instance=instance)
            requests = inbox_sensor(context)
        assert [r.run_key for r in requests] == [
            f"ctg-studies.json.zip:{int(settled.stat().st_mtime)}:2"
        ]
        config = requests[0].run_config["ops"]["ctgov_landing"]["config"]
        assert config == {"source": str(settled)}


def test_inbox_sensor_skips_without_an_inbox(tmp_path: Path) -> None:
    with data_dir(tmp_path), dg.instance_for_test() as instance:
        result = inbox_sensor(dg.build_sensor_context(instance=instance))
    assert isinstance(result, dg.SkipReason)


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
