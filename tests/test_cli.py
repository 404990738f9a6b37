"""`make run`'s command: it says where the warehouse is and what it holds, or why it failed."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.cli import main
from orchestration.lib.common.settings import REPO_ROOT
from tests.support.pipeline import data_dir, query

SEED = REPO_ROOT / "data" / "seed-trial" / "NCT06529731.2026-06-24.json"


def test_run_reports_the_published_warehouse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with data_dir(tmp_path) as current:
        assert main(["run", "--source", str(SEED), "--as-of", "2026-06-24"]) == 0
        out = capsys.readouterr().out
        assert f"Warehouse published at {current.warehouse}" in out
        assert any(line.split() == ["trials", "1"] for line in out.splitlines())
        assert any(line.split() == ["trial_sites", "3"] for line in out.splitlines())
        assert query(current.landing, "select observed_on::varchar from raw_observations") == [
            ("2026-06-24",)
        ]


def test_run_explains_a_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with data_dir(tmp_path) as current:
        assert main(["run", "--source", str(tmp_path / "missing.zip")]) == 1
        err = capsys.readouterr().err
        assert "dump not found" in err
        assert "published warehouse is unchanged" in err
        assert not current.warehouse.exists()
