"""The landing store and the registry as Dagster resources."""

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import dagster as dg
from pydantic import Field

from orchestration.lib.landing import LoadResult, land_dump
from orchestration.lib.registry_client import DEFAULT_BASE_URL, RegistryClient
from orchestration.lib.settings import paths


class LandingResource(dg.ConfigurableResource):
    """The append-only raw landing (``data/landing.duckdb`` unless TRIALWATCH_LANDING says)."""

    def path(self) -> Path:
        return paths().landing

    def downloads(self) -> Path:
        return paths().data_dir / "downloads"

    def land(
        self,
        source: str,
        as_of: date | None,
        progress: Callable[[LoadResult], None] | None = None,
    ) -> LoadResult:
        return land_dump(self.path(), source, as_of=as_of, progress=progress)


class RegistryResource(dg.ConfigurableResource):
    """The ClinicalTrials.gov API v2 (TRIALWATCH_REGISTRY_URL, TRIALWATCH_REGISTRY_RATE)."""

    base_url: str | None = Field(
        default=None, description="API v2 root; default $TRIALWATCH_REGISTRY_URL or the public API."
    )
    rate_per_second: float | None = Field(
        default=None,
        description="Requests per second at most; default $TRIALWATCH_REGISTRY_RATE or 1.",
    )

    def client(self, base_url: str | None = None) -> RegistryClient:
        """A client for ``base_url``, or for the configured registry."""
        url = base_url or self.base_url or os.environ.get("TRIALWATCH_REGISTRY_URL")
        rate = self.rate_per_second or float(os.environ.get("TRIALWATCH_REGISTRY_RATE", "1.0"))
        return RegistryClient(url or DEFAULT_BASE_URL, rate_per_second=rate)
