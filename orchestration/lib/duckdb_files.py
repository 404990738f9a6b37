"""Opening DuckDB files with a bounded cache, so a step's memory does not grow with the data.

DuckDB caches blocks and sorts in memory up to 80% of the machine by default. Reading a
600,000-trial warehouse (the site feed sorts its tables by trial; publishing reads the
whole build) would fill that with cache; bounded, it spills to a temporary folder
instead and runs in about the same time.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

# A reader's share of the 4 GB a run may use; dbt's DuckDB has its own 2 GB, and never
# runs at the same time as a reader.
READ_MEMORY = "1GB"


def memory_limit() -> str:
    """``TRIALWATCH_READ_MEMORY``, else :data:`READ_MEMORY`."""
    return os.environ.get("TRIALWATCH_READ_MEMORY", READ_MEMORY)


def open_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """``path`` opened read-only, with the bounded cache."""
    return duckdb.connect(str(path), read_only=True, config={"memory_limit": memory_limit()})
