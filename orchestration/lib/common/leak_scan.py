"""Find contact details in published files: one pass over every file, on every core.

A site of 600,000 trials is over a million files; the scan reads each once and looks
for what the privacy scrubber masks (``lib/common/privacy.py``: emails and phone
numbers by pattern, and every stored phone number in any format), after resolving
HTML and XML character references, so an escaped detail is found as a reader sees it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from orchestration.lib.common.privacy import Scrubber

# Files per task: enough that a worker's start-up is paid back many times over.
BATCH = 2_000


def leaked(
    root: Path,
    scrubber: Scrubber,
    files: Iterable[str] | None = None,
    workers: int | None = None,
) -> dict[str, list[str]]:
    """Each file under ``root`` (or each of ``files``, relative to it) that holds a
    contact detail, with the kinds found ("email", "phone")."""
    names = sorted(_files(root) if files is None else files)
    if not names:
        return {}
    batches = [names[start : start + BATCH] for start in range(0, len(names), BATCH)]
    workers = min(workers or os.cpu_count() or 1, len(batches))
    if workers <= 1:
        _load(scrubber)
        found = [_scan(root, batch) for batch in batches]
    else:
        # Spawned, not forked: the caller may hold DuckDB and Dagster threads.
        with ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_load,
            initargs=(scrubber,),
        ) as pool:
            found = list(pool.map(_scan, [root] * len(batches), batches))
    return {name: kinds for part in found for name, kinds in part.items()}


def _files(root: Path) -> Iterable[str]:
    for folder, _, names in os.walk(root):
        relative = Path(folder).relative_to(root)
        for name in names:
            yield (relative / name).as_posix()


# The scrubber a process scans with, given when the process starts.
_scrubber: Scrubber | None = None


def _load(scrubber: Scrubber) -> None:
    global _scrubber
    _scrubber = scrubber


def _scan(root: Path, names: list[str]) -> dict[str, list[str]]:
    assert _scrubber is not None, "the scrubber is given when the process starts"
    found = {}
    for name in names:
        kinds = _scrubber.leaks((root / name).read_bytes().decode("utf-8", errors="replace"))
        if kinds:
            found[name] = sorted(kinds)
    return found
