"""The landing store and the registry as Dagster resources."""

from collections.abc import Callable
from datetime import date
from pathlib import Path

from orchestration.defs.settings_resource import AreaResource
from orchestration.lib.ingest.landing import LoadResult, land_dump
from orchestration.lib.ingest.limits import LoadLimits
from orchestration.lib.ingest.registry_client import RegistryClient


class LandingResource(AreaResource):
    """The append-only raw landing (``data/landing.duckdb`` unless TRIALWATCH_LANDING says)."""

    def path(self) -> Path:
        return self.settings().landing

    def downloads(self) -> Path:
        return self.settings().downloads

    def land(
        self,
        source: str,
        as_of: date | None,
        progress: Callable[[LoadResult], None] | None = None,
    ) -> LoadResult:
        current = self.settings()
        return land_dump(
            current.landing, source, as_of=as_of, progress=progress, limits=current.load_limits
        )

    def limits(self) -> LoadLimits:
        return self.settings().load_limits


class RegistryResource(AreaResource):
    """The ClinicalTrials.gov API v2."""

    def client(self, base_url: str | None = None) -> RegistryClient:
        """A client for ``base_url``, or for the configured registry."""
        current = self.settings()
        return RegistryClient(
            base_url or current.registry_url, rate_per_second=current.registry_rate
        )
