"""Write a generated site so that a rebuild touches only what changed.

Each file is written only when its bytes differ from what is on disk (atomically,
by rename), and files the build no longer produces are removed, so a build with no
change writes nothing and a reader never sees a half-written page. A file made from
another (a page from its feed document) can be kept without remaking it when it is
newer than its source, so a rebuild after a few changes costs a few pages.
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

    def write(self, relative: str, content: str | bytes, made_now: bool = False) -> None:
        """Write a file if its bytes changed; ``made_now`` dates an unchanged one to now,
        so that ``keep_if_newer`` knows it was remade from its current source."""
        data = content.encode() if isinstance(content, str) else content
        path = inside(self.root, relative)
        self._produced.add(relative)
        if path.exists() and path.read_bytes() == data:
            self.unchanged += 1
            if made_now:
                os.utime(path)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
        self.written.append(relative)

    def keep_if_newer(self, relative: str, source: str) -> bool:
        """Keep ``relative`` as it is if it is newer than ``source``, what it is made from."""
        try:
            made = inside(self.root, relative).stat().st_mtime_ns
            if made < inside(self.root, source).stat().st_mtime_ns:
                return False
        except FileNotFoundError:
            return False
        self._produced.add(relative)
        self.unchanged += 1
        return True

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
