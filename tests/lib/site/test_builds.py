"""A new build is made level with the live one from the sealed records of what runs
changed, relinking those files only; without a record it is a hard-link copy."""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.lib.site.builds import SiteBuilds
from orchestration.lib.site.output import SiteOutput
from tests.support.sites import files


def _run(builds: SiteBuilds, name: str, writes: dict[str, str], removes=(), go_live=True) -> Path:
    """One run's site steps: write and remove files in a new build, record, seal, switch."""
    build = builds.build(name)
    output = SiteOutput(build)
    for path, text in writes.items():
        output.write(path, text)
    for path in removes:
        output.remove(path)
    builds.record(build, "feed", [*output.written, *output.removed])
    builds.seal(build)
    if go_live:
        builds.switch(build)
    return build


def test_a_build_reuses_the_spare_and_relinks_only_what_runs_changed(tmp_path: Path) -> None:
    builds = SiteBuilds(tmp_path / "site")
    first = _run(builds, "r1", {"a.html": "A", "b.html": "B", "c/d.html": "D"})
    second = _run(builds, "r2", {"b.html": "B2", "e.html": "E"}, removes=["c/d.html"])
    assert files(builds.live) == {"a.html": b"A", "b.html": b"B2", "e.html": b"E"}
    assert os.stat(second / "a.html").st_ino == os.stat(first / "a.html").st_ino
    # The third build is the first one, renamed and brought level with the second.
    first_inode = os.stat(first).st_ino
    third = builds.build("r3")
    assert not first.exists() and os.stat(third).st_ino == first_inode
    assert files(third) == files(second)
    assert os.stat(third / "b.html").st_ino == os.stat(second / "b.html").st_ino
    assert builds.based_on(third) == second


def test_a_failed_build_is_put_back_as_the_live_one_and_an_unsealed_one_is_not_used(
    tmp_path: Path,
) -> None:
    builds = SiteBuilds(tmp_path / "site")
    _run(builds, "r1", {"a.html": "A"})
    live = _run(builds, "r2", {"a.html": "A2", "b.html": "B"})
    failed = _run(
        builds, "r3", {"a.html": "leak", "c.html": "C"}, removes=["b.html"], go_live=False
    )
    assert builds.current() == live
    fourth = builds.build("r4")
    assert not failed.exists() and files(fourth) == files(live)
    # A run killed before its record was sealed: the next build copies the live one.
    killed = builds.build("r5")
    (killed / "a.html").unlink()
    (killed / "a.html").write_text("half")
    sixth = builds.build("r6")
    assert files(sixth) == files(live)
    assert os.stat(sixth / "a.html").st_ino == os.stat(live / "a.html").st_ino
    assert sorted(p.name for p in builds.folder.iterdir()) == ["r2", "r5", "r6"]
