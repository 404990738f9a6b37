"""Where trialwatch keeps its files, read from the environment each time it is asked.

Everything is derived from one data directory so that a test (or a second
deployment) points the whole pipeline elsewhere with one variable; the published
warehouse and the landing store can each be moved on their own too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
SAMPLE_DUMP = REPO_ROOT / "data" / "sample" / "studies.jsonl.gz"
OPENAPI_SPEC = REPO_ROOT / "data" / "reference" / "ctgov-api-v2.0.5.openapi.yaml"
# 876 real versions of 140 trials from the registry's history: how real trials change.
CTHIST_VERSIONS = REPO_ROOT / "data" / "reference" / "cthist-versions-140-trials.csv"


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    landing: Path
    warehouse: Path

    @property
    def site(self) -> Path:
        """The static site and its feed (``TRIALWATCH_SITE_DIR``, else ``<data>/site``)."""
        return Path(os.environ.get("TRIALWATCH_SITE_DIR", self.data_dir / "site")).resolve()

    @property
    def cache(self) -> Path:
        """Answers worth keeping between runs (the language-model writer's)."""
        return self.data_dir / "cache"

    @property
    def reports(self) -> Path:
        """The weekly reports, one dated folder each."""
        return self.data_dir / "reports"

    @property
    def build_dir(self) -> Path:
        # Beside the published file, so that publishing is a rename on one filesystem.
        return self.warehouse.parent / ".build"

    @property
    def build_warehouse(self) -> Path:
        return self.build_dir / self.warehouse.name

    def dbt_env(self) -> dict[str, str]:
        """The variables dbt's profiles.yml reads to find the landing store and build file."""
        return {
            "TRIALWATCH_LANDING": str(self.landing),
            "TRIALWATCH_BUILD_WAREHOUSE": str(self.build_warehouse),
        }


def paths() -> Paths:
    data_dir = Path(os.environ.get("TRIALWATCH_DATA_DIR", REPO_ROOT / "data")).resolve()
    landing = Path(os.environ.get("TRIALWATCH_LANDING", data_dir / "landing.duckdb")).resolve()
    warehouse = Path(
        os.environ.get("TRIALWATCH_WAREHOUSE", data_dir / "warehouse.duckdb")
    ).resolve()
    return Paths(data_dir=data_dir, landing=landing, warehouse=warehouse)


@contextmanager
def environment(overrides: Mapping[str, str | None]) -> Iterator[None]:
    """Set (or, with None, unset) environment variables inside the block, then restore them."""
    saved = {name: os.environ.get(name) for name in overrides}
    try:
        for name, value in overrides.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
