"""The site: the page feed (JSON documents) and the static pages rendered from it."""

import dagster as dg

from orchestration.defs.site.resources import SiteResource
from orchestration.defs.warehouse.assets import published_warehouse
from orchestration.lib.site.feed import trial_documents
from orchestration.lib.site.output import SiteOutput
from orchestration.lib.site.render import feed_documents, render_pages, write_feed


@dg.asset(
    deps=[published_warehouse],
    group_name="site",
    kinds={"json"},
    description="One JSON document per trial and condition, the condition and search indexes.",
)
def site_feed(context: dg.AssetExecutionContext, site: SiteResource) -> dg.MaterializeResult:
    current = site.settings()
    output = SiteOutput(current.site)
    trials, conditions = write_feed(trial_documents(current.warehouse, site.writer()), output)
    context.log.info(
        f"feed: {trials} trials, {conditions} conditions; "
        f"{len(output.written)} files written, {output.unchanged} unchanged, "
        f"{len(output.removed)} removed"
    )
    return dg.MaterializeResult(
        metadata={
            "trials": trials,
            "conditions": conditions,
            "files_written": len(output.written),
            "files_unchanged": output.unchanged,
            "files_removed": len(output.removed),
            "path": dg.MetadataValue.path(str(current.site / "feed")),
        }
    )


@dg.asset(
    deps=[site_feed],
    group_name="site",
    kinds={"html"},
    description="Trial, condition and index pages, Atom feeds and sitemap.xml, from the feed.",
)
def site_pages(context: dg.AssetExecutionContext, site: SiteResource) -> dg.MaterializeResult:
    root = site.settings().site
    output = SiteOutput(root)
    trials, conditions = feed_documents(root, "trials"), feed_documents(root, "conditions")
    render_pages(trials, conditions, output, site.site_settings())
    context.log.info(
        f"pages: {len(output.written)} files written, {output.unchanged} unchanged, "
        f"{len(output.removed)} removed"
    )
    return dg.MaterializeResult(
        metadata={
            "files_written": len(output.written),
            "files_unchanged": output.unchanged,
            "files_removed": len(output.removed),
            "index": dg.MetadataValue.path(str(root / "index.html")),
        }
    )
