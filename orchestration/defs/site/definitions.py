import dagster as dg

from orchestration.defs.site.assets import site_feed, site_pages
from orchestration.defs.site.checks import no_contact_details_published, summaries_are_plain
from orchestration.defs.site.resources import SiteResource

defs = dg.Definitions(
    assets=[site_feed, site_pages],
    asset_checks=[summaries_are_plain, no_contact_details_published],
    resources={"site": SiteResource()},
)
