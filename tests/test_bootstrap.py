"""The bootstrap of `make run` and `make test`: Debian packages installed when missing,
or one clear instruction where they cannot be."""

from __future__ import annotations

import subprocess
from pathlib import Path

from orchestration.lib.common.settings import REPO_ROOT

SCRIPT = REPO_ROOT / ".ci" / "system-packages"


def _run(path: Path, *pairs: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["/bin/bash", str(SCRIPT), *pairs],
        env={"PATH": str(path)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _bin(tmp_path: Path, **commands: str) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    for name, output in commands.items():
        (folder / name).write_text(f"#!/bin/sh\necho {output}\n")
        (folder / name).chmod(0o755)
    return folder


def test_nothing_is_installed_when_everything_is_there(tmp_path: Path) -> None:
    result = _run(_bin(tmp_path, chromium="browser", id="1000"), "chromium:chromium")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_without_root_or_sudo_it_says_what_to_run(tmp_path: Path) -> None:
    # Not root (id says 1000), no sudo, no apt-get: nothing can be installed here.
    result = _run(_bin(tmp_path, id="1000"), "chromium:chromium", "pdftoppm:poppler-utils")
    assert result.returncode == 1
    assert "sudo apt-get install chromium poppler-utils" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
