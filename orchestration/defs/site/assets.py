"""The site: the page feed (JSON documents) and the pages rendered from it, built aside
in this run's build folder, checked, then switched in as the live site."""

import dagster as dg

from orchestration.defs.site.resources import SiteResource
from orchestration.defs.warehouse.assets import published_warehouse
from orchestration.lib.common.lake import Lake
from orchestration.lib.common.privacy import warehouse_scrubber
from orchestration.lib.site.builds import SiteBuilds, problems
from orchestration.lib.site.feed import trial_documents
from orchestration.lib.site.output import SiteOutput
from orchestration.lib.site.render import feed_documents, render_pages, write_feed


def _written(output: SiteOutput) -> dict[str, int]:
    return {
        "files_written": len(output.written),
        "files_unchanged": output.unchanged,
        "files_removed": len(output.removed),
    }


@dg.asset(
    deps=[published_warehouse],
    group_name="site",
    kinds={"json"},
    description="One JSON document per trial and condition, the condition and search indexes.",
)
def site_feed(context: dg.AssetExecutionContext, site: SiteResource) -> dg.MaterializeResult:
    current = site.settings()
    build = SiteBuilds(current.site).build(context.run.run_id)
    output = SiteOutput(build)
    trials, conditions = write_feed(trial_documents(Lake.of(current), site.writer()), output)
    context.log.info(
        f"feed: {trials} trials, {conditions} conditions in {build}; {_written(output)}"
    )
    return dg.MaterializeResult(
        metadata={
            "trials": trials,
            "conditions": conditions,
            **_written(output),
            "build": dg.MetadataValue.path(str(build)),
        }
    )


@dg.asset(
    deps=[site_feed],
    group_name="site",
    kinds={"html"},
    description="Trial, condition and index pages, Atom feeds and sitemap.xml, from the feed.",
)
def site_pages(context: dg.AssetExecutionContext, site: SiteResource) -> dg.MaterializeResult:
    build = SiteBuilds(site.settings().site).build(context.run.run_id)
    output = SiteOutput(build)
    trials, conditions = feed_documents(build, "trials"), feed_documents(build, "conditions")
    render_pages(trials, conditions, output, site.site_settings())
    context.log.info(f"pages in {build}: {_written(output)}")
    return dg.MaterializeResult(
        metadata={**_written(output), "index": dg.MetadataValue.path(str(build / "index.html"))}
    )


@dg.asset(
    deps=[site_pages],
    group_name="site",
    kinds={"html"},
    check_specs=[dg.AssetCheckSpec("no_contact_details_published", asset="site_published")],
    description=(
        "This run's build goes live if it holds no contact detail, every XML file parses"
        " and nothing leads outside it; otherwise the live site stays as it was."
    ),
)
def site_published(context: dg.AssetExecutionContext, site: SiteResource) -> dg.MaterializeResult:
    current = site.settings()
    builds = SiteBuilds(current.site)
    build = builds.build(context.run.run_id)
    with Lake.of(current).connect() as con:
        scrubber = warehouse_scrubber(con)
    found = problems(build, scrubber)
    if found:
        # The other areas of the run go on; the live site is the last good build.
        context.log.error(f"site build {build.name} not published: {'; '.join(found[:10])}")
    else:
        builds.switch(build)
    described = "\n".join(f"- {line}" for line in found[:50]) or "none"
    return dg.MaterializeResult(
        metadata={
            "published": not found,
            "live": dg.MetadataValue.path(str(builds.current())),
            "problems": dg.MetadataValue.md(described),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name="no_contact_details_published",
                passed=not found,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata={"problems": len(found), "stored_phones": len(scrubber.stored_phones)},
                description="; ".join(found[:10]) or None,
            )
        ],
    )
