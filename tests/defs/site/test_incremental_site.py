"""A daily site build remakes the documents whose inputs moved in the lake, the privacy
scrubber's included, checks the files it wrote, and agrees with a site built whole."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from orchestration.defs.site.assets import site_feed, site_pages, site_published
from orchestration.defs.site.resources import SiteResource
from orchestration.lib.common.lake import Lake
from orchestration.lib.common.privacy import DETAILS_MASK, NAME_MASK
from orchestration.lib.common.settings import Settings
from tests.support.pipeline import data_copy
from tests.support.sites import files, live_site_built_whole, site_differences
from tests.support.stored_details import store_a_detail_and_a_name


def _document(current: Settings, nct_id: str) -> str:
    return (current.site / "feed" / "trials" / f"{nct_id}.json").read_text()


def test_a_newly_stored_detail_or_name_reaches_every_page_that_shows_it(
    sample_warehouse: Settings, tmp_path: Path
) -> None:
    with data_copy(sample_warehouse, tmp_path / "data") as current:
        live_before = files(current.site.resolve())
        holder, number, storer, named, name = store_a_detail_and_a_name(Lake.of(current))
        assert number in _document(current, holder) and name in _document(current, named)

        result = dg.materialize(
            [site_feed, site_pages, site_published], resources={"site": SiteResource()}
        )

        assert result.success
        feed = result.asset_materializations_for_node("site_feed")[0].metadata
        assert feed["full_build"].value is False
        changed = {
            p for p, data in files(current.site.resolve()).items() if live_before.get(p) != data
        }
        trial_documents = {p for p in changed if p.startswith("feed/trials/")}
        assert trial_documents == {f"feed/trials/{n}.json" for n in (holder, named, storer)}
        assert feed["trials_remade"].value == 3
        text = _document(current, holder)
        assert number not in text and DETAILS_MASK in text
        text = _document(current, named)
        assert name not in text and NAME_MASK in text
        published = result.asset_materializations_for_node("site_published")[0].metadata
        assert published["published"].value is True
        # The check read what the run wrote: the three trials' documents, pages and Atom
        # feeds, their conditions' and the indexes that list them.
        assert published["checked"].value == f"{len(changed)} files written or removed"
        assert site_differences(current, tmp_path / "whole") == {}
        assert not live_site_built_whole(current)
