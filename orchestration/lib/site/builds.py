"""Readers never see half a site: each run builds aside, is checked, then switched in.

The live site (``data/site``) is a symbolic link to one build folder under
``data/site-builds/``. A run's build starts as a copy of the live one made of hard
links (no file is copied; a file the run rewrites is replaced by rename, so the live
build keeps its own), is written and checked there, and goes live by replacing the
link with a rename, which is atomic: a reader opens the old build or the new one,
never a mix. A build that fails its checks never goes live; it stays beside the live
one, for inspection, until a later run clears it.
"""

from __future__ import annotations

import os
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from orchestration.lib.common.leak_scan import leaked
from orchestration.lib.common.privacy import Scrubber

_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class SiteBuilds:
    live: Path  # the link readers open

    @property
    def folder(self) -> Path:
        return self.live.with_name(f"{self.live.name}-builds")

    def current(self) -> Path | None:
        """The build that is live now, if any."""
        self._adopt_a_plain_folder()
        return self.live.resolve() if self.live.is_symlink() and self.live.exists() else None

    def build(self, name: str) -> Path:
        """The build folder ``name`` (a run id), made from the live build if it is new."""
        if not _NAME.fullmatch(name):
            raise ValueError(f"not a build name: {name!r}")
        path = self.folder / name
        if not path.exists():
            self._clear_old()
            partial = self.folder / f".{name}.partial"
            shutil.rmtree(partial, ignore_errors=True)
            live = self.current()
            if live is None:
                partial.mkdir(parents=True)
            else:
                shutil.copytree(live, partial, copy_function=os.link, symlinks=True)
            partial.rename(path)
        return path

    def switch(self, build: Path) -> None:
        """Make ``build`` the live site, atomically."""
        link = self.live.with_name(f".{self.live.name}.next")
        link.unlink(missing_ok=True)
        link.symlink_to(os.path.relpath(build, self.live.parent), target_is_directory=True)
        os.replace(link, self.live)

    def _adopt_a_plain_folder(self) -> None:
        # A site written before builds existed is a plain folder: it becomes the first build.
        if self.live.is_dir() and not self.live.is_symlink():
            self.folder.mkdir(parents=True, exist_ok=True)
            adopted = self.folder / "adopted"
            shutil.rmtree(adopted, ignore_errors=True)
            self.live.rename(adopted)
            self.switch(adopted)

    def _clear_old(self) -> None:
        """Keep the live build and the newest other one (the last, or a failed one)."""
        live = self.current()
        others = sorted(
            (p for p in self.folder.glob("*") if p.is_dir() and p != live),
            key=lambda p: p.stat().st_mtime,
        )
        for old in others[:-1]:
            shutil.rmtree(old, ignore_errors=True)


def problems(build: Path, scrubber: Scrubber) -> list[str]:
    """What keeps a build from going live, one line a file: a contact detail, XML that
    does not parse, or an entry that leads outside the build."""
    found = [
        f"{name}: {', '.join(kinds)}" for name, kinds in sorted(leaked(build, scrubber).items())
    ]
    root = build.resolve()
    for folder, dirs, files in os.walk(build):
        for name in [*dirs, *files]:
            path = Path(folder) / name
            relative = path.relative_to(build).as_posix()
            if path.is_symlink() and root not in path.resolve().parents:
                found.append(f"{relative}: leads outside the site")
            elif name.endswith(".xml"):
                try:
                    ET.parse(path)
                except ET.ParseError as exc:
                    found.append(f"{relative}: not well-formed XML ({exc})")
    return found
