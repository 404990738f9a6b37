"""Write a generated site so that a rebuild touches only what changed.

Each file is written only when its bytes differ from what is on disk (atomically,
by rename, so a file shared with another build by hard link is never changed in
place), and files the build no longer produces are removed: a build with no change
writes nothing, and what it wrote and removed is the list its checks read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.lib.common.safe_names import inside


@dataclass
class SiteOutput:
    root: Path
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    _produced: set[str] = field(default_factory=set)

    def write(self, relative: str, content: str | bytes) -> bool:
        """Write a file if its bytes changed; whether it did."""
        data = content.encode() if isinstance(content, str) else content
        path = inside(self.root, relative)
        self._produced.add(relative)
        if path.exists() and path.read_bytes() == data:
            self.unchanged += 1
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
        self.written.append(relative)
        return True

    def remove(self, relative: str) -> None:
        """Remove a file the build no longer has, if it is there."""
        path = inside(self.root, relative)
        if path.exists():
            path.unlink()
            self.removed.append(relative)

    def absorb(self, other: SiteOutput) -> None:
        """Count what ``other`` (the same site, written by another process) did as done here."""
        self.written += other.written
        self.removed += other.removed
        self.unchanged += other.unchanged
        self._produced |= other._produced

    def remove_stale(self, under: str) -> None:
        """Remove files under a folder of the site that this build did not produce."""
        folder = self.root / under
        if not folder.exists():
            return
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(self.root).as_posix()
            if path.is_file() and relative not in self._produced:
                path.unlink()
                self.removed.append(relative)
