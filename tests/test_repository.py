"""What the repository holds: its inputs and code, never what a run writes."""

from __future__ import annotations

import subprocess

from orchestration.lib.common.settings import REPO_ROOT


def test_no_database_is_tracked() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert tracked, "not a git checkout"
    assert [p for p in tracked if p.endswith((".db", ".sqlite", ".duckdb"))] == []
