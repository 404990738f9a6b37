"""The landing store as a Dagster resource."""

from collections.abc import Callable
from datetime import date
from pathlib import Path

import dagster as dg

from orchestration.lib.landing import LoadResult, land_dump
from orchestration.lib.settings import paths


class LandingResource(dg.ConfigurableResource):
    """The append-only raw landing (``data/landing.duckdb`` unless TRIALWATCH_LANDING says)."""

    def path(self) -> Path:
        return paths().landing

    def land(
        self,
        source: str,
        as_of: date | None,
        progress: Callable[[LoadResult], None] | None = None,
    ) -> LoadResult:
        return land_dump(self.path(), source, as_of=as_of, progress=progress)
