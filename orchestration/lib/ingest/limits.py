"""What one load may take: the size of what it reads, its cache and its processes.

The defaults are the settings' defaults (``TRIALWATCH_MAX_*_BYTES``,
``TRIALWATCH_LANDING_MEMORY``, ``TRIALWATCH_LOAD_WORKERS``); a caller passes the
configured values down, so nothing below reads the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class LoadLimits:
    # A record (a study, a zip member's study, a line) larger is quarantined.
    record_bytes: int = 16_000_000
    # A zip member (inflated) larger is quarantined, read no further.
    member_bytes: int = 64_000_000
    # A JSON document read whole (a saved API page, one file) larger is refused.
    document_bytes: int = 1_000_000_000
    # DuckDB's cache while landing (it spills beyond it).
    memory: str = "512MB"
    # Processes that inflate, parse and validate a bulk zip; None is one per core.
    workers: int | None = None

    @property
    def processes(self) -> int:
        return self.workers or os.cpu_count() or 1


DEFAULT_LIMITS = LoadLimits()
