"""A registry client for the emulator: no rate limit, quick retries, small pages."""

from __future__ import annotations

from typing import Any

from orchestration.lib.ingest.registry_client import RegistryClient
from orchestration.testing.registry_emulator import RegistryEmulator


def registry_client(emulator: RegistryEmulator, **options: Any) -> RegistryClient:
    settings = {"rate_per_second": 0, "backoff_initial": 0.05, "page_size": 100, **options}
    return RegistryClient(emulator.base_url, **settings)
