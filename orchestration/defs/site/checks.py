"""Checks on what the site publishes: readable summaries, and no contact details."""

import random
import re
import statistics

import dagster as dg
import orjson

from orchestration.defs.site.assets import site_feed, site_pages
from orchestration.lib.common.duckdb_files import open_read_only
from orchestration.lib.common.leak_scan import leaked
from orchestration.lib.common.settings import settings
from orchestration.lib.site.plain_language import (
    READABILITY_TARGET,
    readability_grade,
)

CONTACT_DETAILS = """
    select distinct value from (
        select phone as value from main.contacts
        union all select email from main.contacts
    ) where value is not null
"""


# A median over this many summaries is within a few hundredths of a grade of the whole
# site's; grading each of 600,000 would take minutes.
GRADED_SAMPLE = 20_000


@dg.asset_check(asset=site_feed, description="The median summary reads at grade 8 or below.")
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


@dg.asset_check(
    asset=site_pages,
    blocking=True,
    description="No phone number or email address from contacts appears anywhere in the site.",
)
def no_contact_details_published() -> dg.AssetCheckResult:
    current = settings()
    with open_read_only(current.warehouse) as con:
        details = [
            value for (value,) in con.execute(CONTACT_DETAILS).fetchall() if identifies(value)
        ]
    leaks = leaked(current.site, details)
    return dg.AssetCheckResult(
        passed=not leaks,
        metadata={"contact_values_checked": len(details), "files_with_leaks": len(leaks)},
        description="; ".join(sorted(leaks)[:10]) or None,
    )


def identifies(value: str) -> bool:
    """An email, or a phone number with enough digits to reach someone ("613" does not)."""
    return "@" in value or len(re.sub(r"\D", "", value)) >= 7
