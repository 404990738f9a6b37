"""Checks on what the last load landed."""

import dagster as dg
import duckdb

from orchestration.defs.ingest.assets import LANDING_KEYS
from orchestration.defs.ingest.resources import LandingResource


@dg.asset_check(
    asset=LANDING_KEYS["quarantine"],
    description="The last load quarantined no record (a warning: bad records never stop a run).",
)
def last_load_quarantined_nothing(landing: LandingResource) -> dg.AssetCheckResult:
    with duckdb.connect(str(landing.path()), read_only=True) as con:
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
