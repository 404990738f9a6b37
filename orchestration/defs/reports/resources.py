"""Reports settings: where the report links to, and the browser that prints its PDF."""

from orchestration.defs.settings_resource import AreaResource
from orchestration.lib.reports.output import find_chromium


class ReportsResource(AreaResource):
    def chromium_path(self) -> str | None:
        """The configured browser, else Chromium or Chrome on the PATH; None if there is none."""
        return find_chromium(self.settings().chromium)
