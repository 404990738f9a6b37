import dagster as dg

from orchestration.defs.settings_resource import TRIALWATCH
from orchestration.defs.site.assets import site_feed, site_pages, site_published, site_search
from orchestration.defs.site.checks import summaries_are_plain
from orchestration.defs.site.resources import SiteResource

defs = dg.Definitions(
    assets=[site_feed, site_pages, site_search, site_published],
    asset_checks=[summaries_are_plain],
    resources={"site": SiteResource(trialwatch=TRIALWATCH)},
)
