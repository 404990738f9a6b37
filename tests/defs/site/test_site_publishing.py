"""The site is built aside, checked, and switched in whole; a build that fails its
check never goes live, names what failed, and the rest of the run goes on."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs.alerts.assets import alert_digests, subscriptions
from orchestration.defs.alerts.resources import AlertsResource
from orchestration.defs.site.assets import site_feed, site_pages, site_published
from orchestration.defs.site.resources import SiteResource
from orchestration.lib.common.privacy import Scrubber
from orchestration.lib.common.settings import Settings
from orchestration.lib.site.builds import SiteBuilds, problems
from tests.support.pipeline import data_copy
from tests.support.sites import files


def _site_and_alerts(full: bool = False) -> dg.ExecuteInProcessResult:
    """The site's assets and the alerts after them, over the warehouse already built."""
    return dg.materialize(
        [site_feed, site_pages, site_published, subscriptions, alert_digests],
        resources={"site": SiteResource(), "alerts": AlertsResource()},
        run_config={"ops": {"site_feed": {"config": {"full_refresh": full}}}},
        raise_on_error=False,
    )


def test_a_build_that_leaks_stays_aside_and_the_run_goes_on(
    sample_warehouse: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with data_copy(sample_warehouse, tmp_path / "data") as current:
        live = current.site.resolve()
        before = {p.relative_to(live): p.read_bytes() for p in live.rglob("*") if p.is_file()}
        # A scrubber that masks nothing: the Lilly trials' facility phones reach the build.
        monkeypatch.setattr(Scrubber, "value", lambda self, value, names=(): value)
        failed = _site_and_alerts(full=True)
        assert failed.success  # the gate refuses the build; nothing else stops
        (published,) = failed.asset_materializations_for_node("site_published")
        assert published.metadata["published"].value is False
        assert "trials/" in published.metadata["problems"].value
        assert ": phone" in published.metadata["problems"].value
        assert failed.asset_materializations_for_node("alert_digests")
        (check,) = [
            e
            for e in failed.get_asset_check_evaluations()
            if e.check_name == "no_contact_details_published"
        ]
        assert not check.passed
        assert current.site.resolve() == live  # the live site is the last good build
        after = {p.relative_to(live): p.read_bytes() for p in live.rglob("*") if p.is_file()}
        assert after == before

        monkeypatch.undo()
        # The next build starts from the failed one, put back as the live one was: a
        # daily build with nothing to remake, then publishes the live site's files.
        good = _site_and_alerts()
        (feed,) = good.asset_materializations_for_node("site_feed")
        assert feed.metadata["trials_remade"].value == 0
        (published,) = good.asset_materializations_for_node("site_published")
        assert published.metadata["published"].value is True
        assert files(current.site.resolve()) == {str(k): v for k, v in before.items()}
        assert current.site.resolve() != live
        assert current.site.resolve().parent == SiteBuilds(current.site).folder
        # Kept: the live build and the newest other; older builds are cleared.
        assert len(list(SiteBuilds(current.site).folder.iterdir())) <= 3


def test_problems_name_bad_xml_a_link_outside_and_a_leak(tmp_path: Path) -> None:
    build = tmp_path / "build"
    (build / "feeds").mkdir(parents=True)
    (build / "feeds" / "broken.xml").write_text("<feed><entry></feed>")
    (build / "feeds" / "fine.xml").write_text("<feed/>")
    (build / "escape").symlink_to(tmp_path)
    (build / "page.html").write_text("<p>Call (412) 555-0147</p>")
    found = problems(build, Scrubber())
    assert [line.split(":")[0] for line in found] == ["page.html", "escape", "feeds/broken.xml"]
    assert "not well-formed XML" in found[2] and "leads outside" in found[1]


def test_a_switch_is_one_rename_of_the_link(tmp_path: Path) -> None:
    live = tmp_path / "site"
    live.mkdir()
    (live / "index.html").write_text("old")  # a site from before builds: adopted
    builds = SiteBuilds(live)
    first = builds.build("run-1")
    assert (first / "index.html").read_text() == "old"
    assert os.stat(first / "index.html").st_ino == os.stat(live / "index.html").st_ino
    (first / "index.html").unlink()
    (first / "index.html").write_text("new")
    assert (live / "index.html").read_text() == "old"  # the live build keeps its own file
    builds.switch(first)
    assert live.is_symlink() and (live / "index.html").read_text() == "new"
    with pytest.raises(ValueError, match="not a build name"):
        builds.build("../outside")
