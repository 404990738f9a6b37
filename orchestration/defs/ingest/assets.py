"""Ingest: land a registry dump, or pull from the registry, into the raw landing."""

import sys
from datetime import date

import dagster as dg
from pydantic import Field

from orchestration.defs.ingest.resources import LandingResource, RegistryResource
from orchestration.lib.common.settings import SAMPLE_DUMP
from orchestration.lib.ingest.backfill import KIND as HISTORY
from orchestration.lib.ingest.backfill import backfill
from orchestration.lib.ingest.landing import LoadResult
from orchestration.lib.ingest.progress import BackfillProgress, LoadProgress
from orchestration.lib.ingest.registry_pull import KINDS, pull

# The keys dagster-dbt gives the dbt source tables, so dbt models depend on these assets.
LANDING_TABLES = {
    "raw_studies": "Every distinct version of every study record, verbatim.",
    "raw_observations": "The dates on which each version was seen.",
    "raw_removals": "Studies a full pull no longer found: deleted, or merged into another.",
    "load_batches": "The run log: one row per load, succeeded or failed.",
    "quarantine": "Records that could not be landed, with the reason, file and position.",
    "load_issues": "Unknown enum values and malformed dates in landed records.",
}
LANDING_KEYS = {name: dg.AssetKey(["ctgov", name]) for name in LANDING_TABLES}
REGISTRY = "registry"


class LoadConfig(dg.Config):
    source: str = Field(
        default=str(SAMPLE_DUMP),
        description=(
            "A dump file or folder (bulk zip, API pages, JSON array or lines, one study), "
            "an API URL such as http://127.0.0.1:8765, or 'registry' for the configured one."
        ),
    )
    as_of: str | None = Field(
        default=None,
        description="For a dump: the date it shows (YYYY-MM-DD); by default each record's stamp.",
    )
    pull: str = Field(
        default="auto",
        description=(
            f"For a registry: {', '.join(KINDS)} (auto: incremental after a first full), or"
            f" {HISTORY}: fill in every landed trial's versions from its record history."
        ),
    )
    first: list[str] = Field(
        default=[],
        description="For a history backfill: the trials (NCT ids) to fill in before any other.",
    )
    minutes: float | None = Field(
        default=None,
        description="For a history backfill: stop after this many minutes (a slice), or when done.",
    )


def is_registry(source: str) -> bool:
    return source == REGISTRY or source.startswith(("http://", "https://"))


@dg.multi_asset(
    specs=[
        dg.AssetSpec(key, description=LANDING_TABLES[name], group_name="ingest", kinds={"duckdb"})
        for name, key in LANDING_KEYS.items()
    ],
)
def ctgov_landing(
    context: dg.AssetExecutionContext,
    config: LoadConfig,
    landing: LandingResource,
    registry: RegistryResource,
):
    """Land a dump or pull the registry: new versions in raw_studies, bad records in quarantine."""
    show = sys.stderr.isatty() or landing.settings().progress
    if is_registry(config.source) and config.pull == HISTORY:
        load, extra = _backfill(context, config, landing, registry, show)
        yield from _landed(context, landing, load, extra)
        return
    progress = LoadProgress(context.log.info, show)
    try:
        if is_registry(config.source):
            client = registry.client(None if config.source == REGISTRY else config.source)
            with client:
                result = pull(
                    landing.path(),
                    client,
                    kind=config.pull,
                    downloads=landing.downloads(),
                    progress=lambda load, pages, total: progress.update(
                        load.records_read, total, pages, client.stats.retries
                    ),
                    limits=landing.limits(),
                )
            for reason in client.stats.retry_reasons:
                context.log.warning(f"retried: {reason}")
            load = result.load
            extra = {
                "pull": result.kind,
                "updated_since": str(result.updated_since or ""),
                "pages": result.pages,
                "registry_total": result.total_count or 0,
                "removed": result.removed,
                "resumed": result.resumed,
                "requests": client.stats.requests,
                "retries": client.stats.retries,
            }
        else:
            as_of = date.fromisoformat(config.as_of) if config.as_of else None

            def report(result: LoadResult) -> None:
                progress.update(result.records_read)

            load = landing.land(config.source, as_of, progress=report)
            extra = {}
    finally:
        progress.close()
    yield from _landed(context, landing, load, extra)


def _backfill(
    context: dg.AssetExecutionContext,
    config: LoadConfig,
    landing: LandingResource,
    registry: RegistryResource,
    show: bool,
) -> tuple[LoadResult, dict]:
    """One slice of the history backfill (lib/ingest/backfill.py)."""
    progress = BackfillProgress(context.log.info, show)
    client = registry.client(None if config.source == REGISTRY else config.source)
    try:
        with client:
            done = backfill(
                landing.path(),
                client,
                landing.downloads(),
                minutes=config.minutes,
                first=config.first,
                progress=lambda _, phase, count, total: progress.update(phase, count, total),
                limits=landing.limits(),
            )
    finally:
        progress.close()
    for reason in client.stats.retry_reasons:
        context.log.warning(f"retried: {reason}")
    for reason, count in done.quarantine_reasons.items():
        context.log.warning(f"quarantined the history of {count} trial(s): {reason}")
    context.log.info(
        f"history: {done.indexes_read:,} trials indexed, {done.versions_fetched:,} versions"
        f" fetched, {done.versions_matched:,} matched; left: {done.indexes_left:,} trials to"
        f" index, {done.versions_left:,} versions to fetch"
    )
    return done.load, {
        "pull": HISTORY,
        "resumed": done.resumed,
        "trials_indexed": done.indexes_read,
        "versions_fetched": done.versions_fetched,
        "versions_matched": done.versions_matched,
        "trials_quarantined": done.trials_quarantined,
        "removed": done.removed,
        "trials_left_to_index": done.indexes_left,
        "versions_left_to_fetch": done.versions_left,
        "nothing_left": done.done,
        "requests": client.stats.requests,
        "retries": client.stats.retries,
    }


def _landed(
    context: dg.AssetExecutionContext, landing: LandingResource, load: LoadResult, extra: dict
):
    for reason, count in load.quarantine_reasons.items():
        context.log.warning(f"quarantined {count} record(s): {reason}")
    summary = {
        "batch_id": load.batch_id,
        "source": load.source,
        "records_read": load.records_read,
        "versions_new": load.versions_new,
        "observations_new": load.observations_new,
        "quarantined": load.quarantined,
        "issues": load.issues,
        # Seconds reading and parsing the dump, and writing the landing (benchmarks/).
        "parse_s": round(load.parse_seconds, 2),
        "write_s": round(load.write_seconds, 2),
        **extra,
        "landing": dg.MetadataValue.path(str(landing.path())),
    }
    for key in LANDING_KEYS.values():
        yield dg.MaterializeResult(asset_key=key, metadata=summary)
