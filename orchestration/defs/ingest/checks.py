"""Checks on what the last load landed."""

from datetime import UTC, datetime

import dagster as dg

from orchestration.defs.ingest.assets import LANDING_KEYS
from orchestration.defs.ingest.resources import LandingResource
from orchestration.lib.common.duckdb_files import open_read_only
from orchestration.lib.ingest.freshness import (
    business_days_behind,
    last_registry_data_date,
    previous_business_day,
)


@dg.asset_check(
    asset=LANDING_KEYS["quarantine"],
    description="The last load quarantined no record (a warning: bad records never stop a run).",
)
def last_load_quarantined_nothing(landing: LandingResource) -> dg.AssetCheckResult:
    with open_read_only(landing.path(), landing.settings().read_memory) as con:
        row = con.execute(
            """
            select batch_id, quarantined, issues
            from load_batches
            where status = 'succeeded'
            order by finished_at desc
            limit 1
            """
        ).fetchone()
    batch_id, quarantined, issues = row or (None, 0, 0)
    return dg.AssetCheckResult(
        passed=quarantined == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"batch_id": batch_id or "", "quarantined": quarantined, "issues": issues},
    )


@dg.asset_check(
    asset=LANDING_KEYS["raw_studies"],
    description=(
        "The registry data is no more than a business day old: the registry publishes "
        "Monday to Friday, so Monday's check wants Friday's data."
    ),
)
def registry_data_is_fresh(landing: LandingResource) -> dg.AssetCheckResult:
    today = datetime.now(UTC).date()
    last = last_registry_data_date(landing.path(), landing.settings().read_memory)
    expected = previous_business_day(today)
    if last is None:
        return dg.AssetCheckResult(
            passed=False,
            severity=dg.AssetCheckSeverity.WARN,
            description="No registry pull has succeeded yet; only dumps were loaded.",
            metadata={"expected_data_date": str(expected)},
        )
    behind = business_days_behind(last, today)
    return dg.AssetCheckResult(
        passed=behind == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "last_data_date": str(last),
            "expected_data_date": str(expected),
            "business_days_behind": behind,
        },
    )
