"""Checks on the live site beside the publishing gate's own (site_published): readable
summaries."""

import random
import statistics

import dagster as dg
import orjson

from orchestration.defs.site.assets import site_published
from orchestration.lib.common.settings import settings
from orchestration.lib.site.plain_language import (
    READABILITY_TARGET,
    readability_grade,
)

# A median over this many summaries is within a few hundredths of a grade of the whole
# site's; grading each of 600,000 would take minutes.
GRADED_SAMPLE = 20_000


@dg.asset_check(
    asset=site_published, description="The median live summary reads at grade 8 or below."
)
def summaries_are_plain() -> dg.AssetCheckResult:
    documents = sorted((settings().site / "feed" / "trials").glob("*.json"))
    if len(documents) > GRADED_SAMPLE:
        documents = random.Random(0).sample(documents, GRADED_SAMPLE)
    grades = [
        readability_grade(orjson.loads(path.read_bytes())["plain"]["summary"]) for path in documents
    ]
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
