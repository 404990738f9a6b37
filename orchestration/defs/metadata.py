"""Dagster metadata that several areas report the same way."""

from pathlib import Path

import dagster as dg


def tables_written(path: Path | str, counts: dict[str, int]) -> dict[str, object]:
    """Where tables were written, and each one's row count (``rows.<table>``)."""
    return {
        "path": dg.MetadataValue.path(str(path)),
        **{f"rows.{table}": count for table, count in counts.items()},
    }
