"""Session fixtures built once for the whole test run, not once per xdist worker.

The first worker that asks builds into a folder beside every worker's own temporary
folder, under a file lock, and keeps what the build returned (pickled); a worker that
asks later waits on the lock and reads it. The builds are the suite's most expensive
steps (a minute or more each), and every test reads them without changing them: a test
that changes one works on a copy (`data_copy`).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from filelock import FileLock

T = TypeVar("T")


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], T]) -> T:
    """``build(folder)``'s result, built by one worker for every worker of this run."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return build(factory.mktemp(name))
    shared = factory.getbasetemp().parent / f"shared-{name}"
    result = shared / "result.pickle"
    with FileLock(f"{shared}.lock"):
        if result.exists():
            return pickle.loads(result.read_bytes())
        if shared.exists():
            raise RuntimeError(f"{shared} was left half built by a worker whose build failed")
        (shared / "build").mkdir(parents=True)
        built = build(shared / "build")
        result.write_bytes(pickle.dumps(built))
        return built
