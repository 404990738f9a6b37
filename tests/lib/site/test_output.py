"""A site is written so that only what changed is rewritten."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.lib.common.safe_names import OutsideRoot
from orchestration.lib.site.output import SiteOutput


def test_only_changed_files_are_written_and_stale_ones_removed(tmp_path: Path) -> None:
    first = SiteOutput(tmp_path)
    first.write("trials/a.html", "A")
    first.write("trials/b.html", "B")
    first.remove_stale("trials")
    assert sorted(first.written) == ["trials/a.html", "trials/b.html"]
    before = (tmp_path / "trials/a.html").stat().st_mtime_ns
    second = SiteOutput(tmp_path)
    second.write("trials/a.html", "A")
    second.write("trials/c.html", "C")
    second.remove_stale("trials")
    assert (second.written, second.unchanged, second.removed) == (
        ["trials/c.html"],
        1,
        ["trials/b.html"],
    )
    assert (tmp_path / "trials/a.html").stat().st_mtime_ns == before
    assert sorted(p.name for p in (tmp_path / "trials").iterdir()) == ["a.html", "c.html"]


@pytest.mark.parametrize("name", ["../escaped.html", "trials/../../escaped.html", "/etc/x"])
def test_a_path_outside_the_site_is_refused(tmp_path: Path, name: str) -> None:
    output = SiteOutput(tmp_path / "site")
    with pytest.raises(OutsideRoot):
        output.write(name, "<p>x</p>")
    assert not list(tmp_path.rglob("escaped.html"))
