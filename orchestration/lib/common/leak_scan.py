"""Find contact details in published files: one pass over every file, on every core.

A site of 600,000 trials is over a million files and 13 GB; the scan reads each once,
as bytes, and looks for every detail at once with an Aho-Corasick automaton, so it
stays linear in the site's size however many contact details there are.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ahocorasick_rs import BytesAhoCorasick

# Files per task: enough that a worker's start-up is paid back many times over.
BATCH = 2_000


def leaked(root: Path, details: Iterable[str], workers: int | None = None) -> set[str]:
    """Files under ``root`` holding any of ``details`` as a whole token.

    Case is ignored (in ASCII, which phone numbers and email addresses are written in).
    A whole token is not run into a letter or digit, so the phone number 0516366 is not
    found in the trial id NCT20516366, as it would be somewhere among 600,000 trials.
    """
    needles = sorted({detail.encode().lower() for detail in details} - {b""})
    if not needles:
        return set()
    files = sorted(_files(root))
    batches = [files[start : start + BATCH] for start in range(0, len(files), BATCH)]
    workers = min(workers or os.cpu_count() or 1, len(batches))
    if workers <= 1:
        _load(needles)
        found = [_scan(root, batch) for batch in batches]
    else:
        # Spawned, not forked: the caller may hold DuckDB and Dagster threads.
        with ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_load,
            initargs=(needles,),
        ) as pool:
            found = list(pool.map(_scan, [root] * len(batches), batches))
    return {name for names in found for name in names}


def _files(root: Path) -> Iterable[str]:
    for folder, _, names in os.walk(root):
        relative = Path(folder).relative_to(root)
        for name in names:
            yield (relative / name).as_posix()


# The automaton a process searches with, built once when the process starts.
_automaton: BytesAhoCorasick | None = None


def _load(needles: list[bytes]) -> None:
    global _automaton
    _automaton = BytesAhoCorasick(needles)


def _scan(root: Path, names: list[str]) -> list[str]:
    assert _automaton is not None, "the automaton is built when the process starts"
    found = []
    for name in names:
        text = (root / name).read_bytes().lower()
        matches = _automaton.find_matches_as_indexes(text, overlapping=True)
        if any(_stands_alone(text, start, end) for _, start, end in matches):
            found.append(name)
    return found


def _stands_alone(text: bytes, start: int, end: int) -> bool:
    before = text[start - 1 : start] if start else b" "
    after = text[end : end + 1] or b" "
    return not (before.isalnum() or after.isalnum())
