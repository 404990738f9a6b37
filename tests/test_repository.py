"""What the repository holds: its inputs and code, never what a run writes."""

from __future__ import annotations

import re
import subprocess

from orchestration.lib.common.settings import REPO_ROOT


def test_no_database_is_tracked() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert tracked, "not a git checkout"
    assert [p for p in tracked if p.endswith((".db", ".sqlite", ".duckdb"))] == []


def test_the_readme_is_a_newcomers_first_ten_minutes() -> None:
    # The rest lives in docs/, by reader; every page the README and the docs link to exists.
    readme = REPO_ROOT / "README.md"
    assert len(readme.read_text().splitlines()) <= 150
    pages = [readme, *(REPO_ROOT / "docs").glob("*.md")]
    missing = [
        f"{page.name} -> {target}"
        for page in pages
        for target in re.findall(r"\]\(([^)#\s]+)\)", page.read_text())
        if "://" not in target and not (page.parent / target).exists()
    ]
    assert missing == []
