"""Registry ids checked before they become file names, and paths kept inside their root.

Ids come from dumps, the registry and sign-up forms, all untrusted: an id is used in a
path only when it matches its full pattern, in ASCII (no trailing newline, no other
script's digits), and every writer resolves a path under its root or refuses it.
"""

from __future__ import annotations

import re
from pathlib import Path

NCT_ID = re.compile(r"NCT[0-9]{8}", re.ASCII)
# MeSH descriptors (D000071380) and supplementary concepts (C000657245).
MESH_ID = re.compile(r"[CD][0-9]{6,9}", re.ASCII)


def is_nct_id(value: object) -> bool:
    return isinstance(value, str) and NCT_ID.fullmatch(value) is not None


def is_mesh_id(value: object) -> bool:
    return isinstance(value, str) and MESH_ID.fullmatch(value) is not None


class OutsideRoot(ValueError):
    """A path that would not resolve under the folder it is written in."""


def inside(root: Path, relative: str) -> Path:
    """``root / relative``, refused unless it resolves under ``root``."""
    base = root.resolve()
    path = (base / relative).resolve()
    if path == base or base not in path.parents:
        raise OutsideRoot(f"refused to write {relative!r}: it is not inside {base}")
    return path
