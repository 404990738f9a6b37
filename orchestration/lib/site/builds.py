"""Readers never see half a site: each run builds aside, is checked, then switched in.

The live site (``data/site``) is a symbolic link to one build folder under
``data/site-builds/``. A run's build is a folder that holds what the live one holds,
is written and checked there, and goes live by replacing the link with a rename,
which is atomic: a reader opens the old build or the new one, never a mix. A build
that fails its checks never goes live; it stays beside the live one, for inspection,
until a later run reuses or clears it.

Making a run's build costs what the runs changed, not the site's size. Each build
records, beside it in ``data/site-state/<build>/`` (never published), the live build
it started from and every file its run wrote or removed; once its run is over the
record is sealed. Two builds are kept: the live one and the one before it (or a
failed one). The next run takes that other build and brings it level with the live
one by relinking only the files in the sealed records between them, then renames it.
When no such record exists (the first build, a run that was killed) the new build is
a copy of the live one made of hard links. Either way files are shared by hard link,
and a run never writes a shared file in place: it replaces it by rename.
"""

from __future__ import annotations

import os
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from orchestration.lib.common.leak_scan import leaked
from orchestration.lib.common.privacy import Scrubber
from orchestration.lib.common.safe_names import inside

_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
BASED_ON, SEALED, CHANGES = "based-on", "sealed", ".changes"


@dataclass(frozen=True)
class SiteBuilds:
    live: Path  # the link readers open

    @property
    def folder(self) -> Path:
        return self.live.with_name(f"{self.live.name}-builds")

    @property
    def state_folder(self) -> Path:
        return self.live.with_name(f"{self.live.name}-state")

    def state(self, build: Path | str) -> Path:
        """Where a build's own records live: what it started from, what its run changed,
        and the site state of lib/site/site_state.py."""
        return self.state_folder / (build if isinstance(build, str) else build.name)

    def current(self) -> Path | None:
        """The build that is live now, if any."""
        self._adopt_a_plain_folder()
        return self.live.resolve() if self.live.is_symlink() and self.live.exists() else None

    def build(self, name: str) -> Path:
        """The build folder ``name`` (a run id), made level with the live build if it is new."""
        if not _NAME.fullmatch(name):
            raise ValueError(f"not a build name: {name!r}")
        path = self.folder / name
        if path.exists():
            return path
        live = self.current()
        spare, differing = self._spare(live)
        self._clear_old(keep={live, spare})
        partial = self.folder / f".{name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        if live is None:
            partial.mkdir(parents=True)
        elif spare is not None and differing is not None:
            _relink(spare, live, differing)
            shutil.rmtree(self.state(spare), ignore_errors=True)
            spare.rename(partial)
        else:
            shutil.copytree(live, partial, copy_function=os.link, symlinks=True)
        state = self.state(name)
        shutil.rmtree(state, ignore_errors=True)
        state.mkdir(parents=True)
        (state / BASED_ON).write_text(live.name if live else "")
        partial.rename(path)
        return path

    def based_on(self, build: Path) -> Path | None:
        """The build ``build`` started from (the live one when it was made), if kept."""
        name = _read(self.state(build) / BASED_ON)
        return self.folder / name if name and (self.folder / name).is_dir() else None

    def record(self, build: Path, step: str, paths: Iterable[str]) -> None:
        """Record the files a step of the build's run wrote or removed (relative paths)."""
        log = self.state(build) / f"{step}{CHANGES}"
        partial = log.with_name(f".{log.name}.partial")
        partial.write_text("".join(f"{p}\n" for p in paths))
        os.replace(partial, log)

    def changes(self, build: Path) -> set[str]:
        """Every file the build's run has written or removed so far."""
        return {
            line
            for log in sorted(self.state(build).glob(f"*{CHANGES}"))
            for line in log.read_text().splitlines()
            if line
        }

    def seal(self, build: Path) -> None:
        """The build's run is over: its record of changes is complete."""
        (self.state(build) / SEALED).touch()

    def switch(self, build: Path) -> None:
        """Make ``build`` the live site, atomically."""
        link = self.live.with_name(f".{self.live.name}.next")
        link.unlink(missing_ok=True)
        link.symlink_to(os.path.relpath(build, self.live.parent), target_is_directory=True)
        os.replace(link, self.live)

    def _sealed_changes(self, build: Path) -> set[str] | None:
        return self.changes(build) if (self.state(build) / SEALED).exists() else None

    def _spare(self, live: Path | None) -> tuple[Path | None, set[str] | None]:
        """The newest build other than the live one, and the files in which it can differ
        from the live one (None when no sealed record says)."""
        if live is None or not self.folder.exists():
            return None, None
        others = sorted(
            (p for p in self.folder.iterdir() if p.is_dir() and p != live and p.name[0] != "."),
            key=lambda p: p.stat().st_mtime,
        )
        if not others:
            return None, None
        spare = others[-1]
        if self.based_on(live) == spare:  # the live build is the spare plus its run's changes
            return spare, self._sealed_changes(live)
        if self.based_on(spare) == live:  # the spare (a failed build) is the live one plus its
            return spare, self._sealed_changes(spare)
        return spare, None

    def _adopt_a_plain_folder(self) -> None:
        # A site written before builds existed is a plain folder: it becomes the first build.
        if self.live.is_dir() and not self.live.is_symlink():
            self.folder.mkdir(parents=True, exist_ok=True)
            adopted = self.folder / "adopted"
            shutil.rmtree(adopted, ignore_errors=True)
            self.live.rename(adopted)
            self.switch(adopted)

    def _clear_old(self, keep: set[Path | None]) -> None:
        """Remove every build but ``keep``, and the records of builds that are gone."""
        if self.folder.exists():
            for old in self.folder.iterdir():
                if old.is_dir() and old not in keep:
                    shutil.rmtree(old, ignore_errors=True)
        if self.state_folder.exists():
            for record in self.state_folder.iterdir():
                if not (self.folder / record.name).is_dir():
                    shutil.rmtree(record, ignore_errors=True)


def _read(path: Path) -> str | None:
    return path.read_text() if path.exists() else None


def _relink(target: Path, source: Path, paths: Iterable[str]) -> None:
    """Make ``target`` hold ``source``'s version of each of ``paths``: a hard link to the
    same file, or nothing where ``source`` has none."""
    for relative in sorted(paths):
        wanted, have = source / relative, inside(target, relative)
        if wanted.is_file():
            have.parent.mkdir(parents=True, exist_ok=True)
            temporary = have.with_name(f".{have.name}.link")
            temporary.unlink(missing_ok=True)
            os.link(wanted, temporary)
            os.replace(temporary, have)
        else:
            have.unlink(missing_ok=True)


def problems(build: Path, scrubber: Scrubber, files: Iterable[str] | None = None) -> list[str]:
    """What keeps a build from going live, one line a file: a contact detail, XML that
    does not parse, or an entry that leads outside the build. ``files`` (relative
    paths) narrows the check to those that exist of them; by default, every file."""
    chosen = None if files is None else sorted(f for f in files if (build / f).exists())
    found = [
        f"{name}: {', '.join(kinds)}"
        for name, kinds in sorted(leaked(build, scrubber, chosen).items())
    ]
    root = build.resolve()
    for relative in _entries(build) if chosen is None else chosen:
        path = build / relative
        if path.is_symlink() and root not in path.resolve().parents:
            found.append(f"{relative}: leads outside the site")
        elif relative.endswith(".xml"):
            try:
                ET.parse(path)
            except ET.ParseError as exc:
                found.append(f"{relative}: not well-formed XML ({exc})")
    return found


def _entries(build: Path) -> Iterable[str]:
    for folder, dirs, files in os.walk(build):
        for name in [*dirs, *files]:
            yield (Path(folder) / name).relative_to(build).as_posix()
