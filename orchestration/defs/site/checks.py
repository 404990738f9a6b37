"""Checks on the live site beside the publishing gate's own (site_published): readable
summaries."""

import statistics

import dagster as dg

from orchestration.defs.site.assets import site_published
from orchestration.lib.common.settings import settings
from orchestration.lib.site.builds import SiteBuilds
from orchestration.lib.site.plain_language import READABILITY_TARGET
from orchestration.lib.site.site_state import SiteState


@dg.asset_check(
    asset=site_published, description="The median live summary reads at grade 8 or below."
)
def summaries_are_plain() -> dg.AssetCheckResult:
    # Grades are taken as documents are made (lib/site/feed_update.py): every summary a
    # daily build rewords, a sample of a full build's. None is read back here.
    builds = SiteBuilds(settings().site)
    live = builds.current()
    state = SiteState(builds.state(live), settings().read_memory) if live is not None else None
    grades = (
        state.column("grade", "grade is not null")
        if state is not None and state.meta() is not None
        else []
    )
    median = statistics.median(grades) if grades else 0.0
    return dg.AssetCheckResult(
        passed=median <= READABILITY_TARGET,
        metadata={
            "median_flesch_kincaid_grade": round(median, 2),
            "target": READABILITY_TARGET,
            "summaries_graded": len(grades),
            "share_at_or_below_target": round(
                sum(g <= READABILITY_TARGET for g in grades) / max(len(grades), 1), 3
            ),
        },
    )
