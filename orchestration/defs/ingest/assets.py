"""Ingest: land a registry dump in the raw landing."""

from datetime import date

import dagster as dg
from pydantic import Field

from orchestration.defs.ingest.resources import LandingResource
from orchestration.lib.landing import LoadResult
from orchestration.lib.settings import SAMPLE_DUMP

# The keys dagster-dbt gives the dbt source tables, so dbt models depend on these assets.
LANDING_TABLES = {
    "raw_studies": "Every distinct version of every study record, verbatim.",
    "raw_observations": "The dates on which each version was seen.",
    "load_batches": "The run log: one row per load, succeeded or failed.",
    "quarantine": "Records that could not be landed, with the reason, file and position.",
    "load_issues": "Unknown enum values and malformed dates in landed records.",
}
LANDING_KEYS = {name: dg.AssetKey(["ctgov", name]) for name in LANDING_TABLES}
PROGRESS_EVERY = 50_000


class LoadConfig(dg.Config):
    source: str = Field(
        default=str(SAMPLE_DUMP),
        description="A dump file or folder: bulk zip, API pages, JSON array or lines, one study.",
    )
    as_of: str | None = Field(
        default=None,
        description="The date the dump shows (YYYY-MM-DD); by default each record's own stamp.",
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(key, description=LANDING_TABLES[name], group_name="ingest", kinds={"duckdb"})
        for name, key in LANDING_KEYS.items()
    ],
)
def ctgov_landing(context: dg.AssetExecutionContext, config: LoadConfig, landing: LandingResource):
    """Land every record of a dump: new versions in raw_studies, bad records in quarantine."""
    as_of = date.fromisoformat(config.as_of) if config.as_of else None
    next_report = [PROGRESS_EVERY]

    def report(result: LoadResult) -> None:
        if result.records_read >= next_report[0]:
            next_report[0] += PROGRESS_EVERY
            context.log.info(
                f"{result.records_read:,} records read, {result.versions_new:,} new versions, "
                f"{result.quarantined:,} quarantined"
            )

    result = landing.land(config.source, as_of, progress=report)
    for reason, count in result.quarantine_reasons.items():
        context.log.warning(f"quarantined {count} record(s): {reason}")
    summary = {
        "batch_id": result.batch_id,
        "source": result.source,
        "records_read": result.records_read,
        "versions_new": result.versions_new,
        "observations_new": result.observations_new,
        "quarantined": result.quarantined,
        "issues": result.issues,
        "landing": dg.MetadataValue.path(str(landing.path())),
    }
    for key in LANDING_KEYS.values():
        yield dg.MaterializeResult(asset_key=key, metadata=summary)
