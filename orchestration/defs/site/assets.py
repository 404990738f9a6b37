"""The site: the page feed (JSON documents) and the pages rendered from it, built aside
in this run's build folder, checked, then switched in as the live site (and sent to
the site bucket, when one is set).

A daily run remakes only the documents whose inputs moved in the lake, the pages of
the documents it wrote, and the indexes from the site state; its check reads the
files it wrote. A full build (the first, the weekly reconcile, `make rebuild`, or a
change of the code that makes documents) remakes and checks everything.
"""

import dagster as dg
from pydantic import Field

from orchestration.defs.site.resources import SiteResource
from orchestration.defs.warehouse.assets import published_warehouse
from orchestration.lib.common.lake import Lake
from orchestration.lib.common.privacy import warehouse_scrubber
from orchestration.lib.search.build import build_index, changed_trials
from orchestration.lib.site.bucket import Plan, SiteBucket
from orchestration.lib.site.builds import SiteBuilds, problems
from orchestration.lib.site.feed_update import update_feed
from orchestration.lib.site.output import SiteOutput
from orchestration.lib.site.render import update_pages
from orchestration.lib.site.site_state import SiteState


class SiteConfig(dg.Config):
    full_refresh: bool = Field(
        default=False,
        description="Remake every document and page and check every file, not only what moved.",
    )


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
    description="One JSON document per trial and condition, and the condition index.",
)
def site_feed(
    context: dg.AssetExecutionContext, config: SiteConfig, site: SiteResource
) -> dg.MaterializeResult:
    current = site.settings()
    builds = SiteBuilds(current.site)
    build = builds.build(context.run.run_id)
    base = builds.based_on(build)
    output = SiteOutput(build)
    with Lake.of(current).connect() as con:
        update = update_feed(
            con,
            site.writer(),
            output,
            base=site.state(builds.state(base)) if base is not None else None,
            target=site.state(builds.state(build)),
            full=config.full_refresh,
        )
    builds.record(build, "feed", [*output.written, *output.removed])
    context.log.info(f"feed in {build}: {update}; {_written(output)}")
    return dg.MaterializeResult(
        metadata={
            "full_build": update.full,
            "lake_snapshot": update.snapshot,
            "trials": update.trials,
            "trials_remade": update.remade,
            "trial_documents_changed": update.written,
            "condition_documents_changed": update.conditions,
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
    builds = SiteBuilds(site.settings().site)
    build = builds.build(context.run.run_id)
    state = site.state(builds.state(build))
    output = SiteOutput(build)
    rendered = update_pages(
        output, state, site.site_settings(), builds.changes(build), full=_full(state)
    )
    builds.record(build, "pages", [*output.written, *output.removed])
    context.log.info(f"pages in {build}: {rendered} documents rendered; {_written(output)}")
    return dg.MaterializeResult(
        metadata={
            "documents_rendered": rendered,
            **_written(output),
            "index": dg.MetadataValue.path(str(build / "index.html")),
        }
    )


def _sent(plan: Plan) -> dict[str, int | str]:
    return {
        "bucket_new": len(plan.new),
        "bucket_changed": len(plan.changed),
        "bucket_deleted": len(plan.deleted),
        "bucket_compared": plan.compared,
    }


@dg.asset(
    deps=[site_feed],
    group_name="site",
    kinds={"sqlite"},
    check_specs=[dg.AssetCheckSpec("search_index_holds_every_trial", asset="site_search")],
    description=(
        "The search index of this run's build (SQLite FTS5 and an R*Tree of the sites'"
        " geocodes, beside the build, never published): the previous build's with the"
        " trials this run remade put in again, or made whole in a full build."
    ),
)
def site_search(context: dg.AssetExecutionContext, site: SiteResource) -> dg.MaterializeResult:
    current = site.settings()
    builds = SiteBuilds(current.site)
    build = builds.build(context.run.run_id)
    state = site.state(builds.state(build))
    base = builds.based_on(build)
    changed = None if _full(state) else changed_trials(builds.changes(build))
    made = build_index(state, builds.state(base) if base else None, changed)
    ((expected,),) = state.query("select count(*) from state")
    context.log.info(f"search index of {build.name}: {made}")
    return dg.MaterializeResult(
        metadata={
            "full_build": made.full,
            "trials_put_in": made.entries,
            "trials_taken_out": made.removed,
            "trials": made.trials,
        },
        check_results=[
            dg.AssetCheckResult(
                check_name="search_index_holds_every_trial",
                passed=made.trials == expected,
                metadata={"in_index": made.trials, "in_site": expected},
            )
        ],
    )


def _full(state: SiteState) -> bool:
    meta = state.meta()
    if meta is None:
        raise RuntimeError(f"no site state in {state.folder}: the feed step did not finish")
    return bool(meta["full"])


@dg.asset(
    deps=[site_pages, site_search],
    group_name="site",
    kinds={"html"},
    check_specs=[dg.AssetCheckSpec("no_contact_details_published", asset="site_published")],
    description=(
        "This run's build goes live if the files it wrote (every file, in a full build)"
        " hold no contact detail, every XML file among them parses and nothing leads"
        " outside it, and is then sent to TRIALWATCH_SITE_BUCKET when set (only what"
        " changed); otherwise the live site and the bucket stay as they were."
    ),
)
def site_published(context: dg.AssetExecutionContext, site: SiteResource) -> dg.MaterializeResult:
    current = site.settings()
    builds = SiteBuilds(current.site)
    build = builds.build(context.run.run_id)
    full = _full(site.state(builds.state(build)))
    written = None if full else builds.changes(build)
    with Lake.of(current).connect() as con:
        scrubber = warehouse_scrubber(con)
    found = problems(build, scrubber, written)
    # The run's record of what it changed is complete, published or not: the next build
    # can start from this one.
    builds.seal(build)
    if found:
        # The other areas of the run go on; the live site is the last good build.
        context.log.error(f"site build {build.name} not published: {'; '.join(found[:10])}")
    else:
        builds.switch(build)
    sent = None
    if not found and current.site_bucket:
        bucket = SiteBucket(current.site_bucket, current.site_url)
        sent = bucket.publish(build, builds.based_on(build), written)
        context.log.info(
            f"{bucket.url}: {len(sent.new)} new, {len(sent.changed)} changed,"
            f" {len(sent.deleted)} deleted (compared by {sent.compared})"
        )
    described = "\n".join(f"- {line}" for line in found[:50]) or "none"
    checked = "every file" if written is None else f"{len(written)} files written or removed"
    return dg.MaterializeResult(
        metadata={
            "published": not found,
            "checked": checked,
            "live": dg.MetadataValue.path(str(builds.current())),
            "problems": dg.MetadataValue.md(described),
            **(_sent(sent) if sent else {}),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name="no_contact_details_published",
                passed=not found,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata={
                    "problems": len(found),
                    "checked": checked,
                    "stored_phones": len(scrubber.stored_phones),
                },
                description="; ".join(found[:10]) or None,
            )
        ],
    )
