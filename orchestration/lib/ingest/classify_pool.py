"""Read, parse and validate a dump's records in chunks, on every core when it pays.

Inflating, parsing and validating are most of a load's work. For the bulk download
(one zip, one file per study) each worker process opens the zip itself and handles
its own share of the members, so those steps run on every core and the parent only
writes what comes back. Other forms (API pages, JSON Lines, arrays) stream through
one process: they are small, or arrive no faster than they are fetched.

Chunks come back in the dump's order, with at most two per worker in flight, so
memory stays flat however large the dump.
"""

from __future__ import annotations

import multiprocessing
import zipfile
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date
from pathlib import Path

from orchestration.lib.ingest.dump_reader import (
    RawRecord,
    is_zip,
    open_zip,
    read_dump,
    read_zip_members,
    zip_members,
)
from orchestration.lib.ingest.limits import DEFAULT_LIMITS, LoadLimits
from orchestration.lib.ingest.records import Rejected, Study, classify

Chunk = tuple[list[Study], list[Rejected]]


def classified_chunks(
    source: str | Path,
    as_of: date | None,
    load_date: date,
    size: int,
    limits: LoadLimits,
) -> Iterator[Chunk]:
    """Every record of a dump, classified, ``size`` records per chunk."""
    path = Path(source)
    workers = limits.processes
    if workers > 1 and path.is_file() and is_zip(path):
        with open_zip(path) as archive:
            names = zip_members(archive)
        # Starting workers costs about a second: not worth it for a small zip.
        if len(names) > 2 * size:
            yield from _in_workers(path, names, as_of, load_date, size, limits)
            return
    chunk: list[RawRecord] = []
    for raw in read_dump(source, limits):
        chunk.append(raw)
        if len(chunk) >= size:
            yield classify_all(chunk, as_of, load_date, limits.record_bytes)
            chunk = []
    yield classify_all(chunk, as_of, load_date, limits.record_bytes)


def classify_all(
    records: Iterable[RawRecord], as_of: date | None, load_date: date, record_bytes: int
) -> Chunk:
    studies: list[Study] = []
    rejected: list[Rejected] = []
    for raw in records:
        item = classify(raw, as_of, load_date, record_bytes)
        (studies if isinstance(item, Study) else rejected).append(item)
    return studies, rejected


def _in_workers(
    path: Path,
    names: list[str],
    as_of: date | None,
    load_date: date,
    size: int,
    limits: LoadLimits,
) -> Iterator[Chunk]:
    workers = limits.processes
    # Spawned, not forked: the parent holds DuckDB and Dagster threads a fork would copy.
    context = multiprocessing.get_context("spawn")
    parts = (names[start : start + size] for start in range(0, len(names), size))
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_open_in_worker, initargs=(path, limits)
    ) as pool:
        pending: deque[Future[Chunk]] = deque()
        try:
            for part in parts:
                pending.append(pool.submit(_classify_members, part, as_of, load_date))
                if len(pending) >= 2 * workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            # A failed or abandoned load stops the workers instead of finishing the dump.
            pool.shutdown(wait=True, cancel_futures=True)


# The zip a worker process reads, opened once when the worker starts, and the load's limits.
_archive: zipfile.ZipFile | None = None
_limits = DEFAULT_LIMITS


def _open_in_worker(path: Path, limits: LoadLimits) -> None:
    global _archive, _limits
    _archive = open_zip(path)
    _limits = limits


def _classify_members(names: list[str], as_of: date | None, load_date: date) -> Chunk:
    assert _archive is not None, "the worker opens the zip when it starts"
    label = Path(_archive.filename or "").name
    records = read_zip_members(_archive, label, names, _limits.member_bytes)
    return classify_all(records, as_of, load_date, _limits.record_bytes)
