"""A daily site build remakes the documents whose inputs moved in the lake, the privacy
scrubber's included, checks the files it wrote, and agrees with a site built whole."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import dagster as dg

from orchestration.defs.site.assets import site_feed, site_pages, site_published
from orchestration.defs.site.resources import SiteResource
from orchestration.lib.common.lake import Lake
from orchestration.lib.common.privacy import (
    DETAILS_MASK,
    DIGIT_RUN,
    NAME_MASK,
    contact_details,
    digits,
    person_names,
)
from orchestration.lib.common.settings import Settings
from tests.support.pipeline import data_dir
from tests.support.sites import files, live_site_built_whole, site_differences

SUMMARIES = "select nct_id, brief_summary from main.trials where brief_summary is not null"


def _unmasked_number(summaries: list[tuple[str, str]]) -> tuple[str, str]:
    """A trial whose summary holds a run of digits no pattern takes for a phone number:
    masked only once some contact stores it."""
    for nct_id, text in summaries:
        for match in DIGIT_RUN.finditer(text):
            if len(digits(match.group(0))) >= 8 and not contact_details(match.group(0)):
                return nct_id, match.group(0)
    raise AssertionError("the sample has no such run of digits")


def _a_name_in(summaries: list[tuple[str, str]], other_than: str) -> tuple[str, str]:
    """A trial whose summary holds two capitalised words that would name a person."""
    for nct_id, text in summaries:
        for match in re.finditer(r"\b[A-Z][a-z]{3,} [A-Z][a-z]{3,}\b", text):
            if nct_id != other_than and person_names([match.group(0)], []):
                return nct_id, match.group(0)
    raise AssertionError("the sample has no such words")


def _document(current: Settings, nct_id: str) -> str:
    return (current.site / "feed" / "trials" / f"{nct_id}.json").read_text()


def test_a_newly_stored_detail_or_name_reaches_every_page_that_shows_it(
    sample_warehouse: Settings, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(sample_warehouse.data_dir, data, symlinks=True)
    with data_dir(data) as current:
        lake = Lake.of(current)
        with lake.connect() as con:
            summaries = con.execute(SUMMARIES + " order by nct_id").fetchall()
        holder, number = _unmasked_number(summaries)
        named, name = _a_name_in(summaries, other_than=holder)
        storer = next(n for n, _ in summaries if n not in (holder, named))
        live_before = files(current.site.resolve())
        assert number in _document(current, holder) and name in _document(current, named)
        # One commit: another trial's contact now stores the number (written otherwise),
        # and the named trial's contact is that person.
        stored = f"{digits(number)[:4]}-{digits(number)[4:]}"
        with lake.connect(read_only=False) as con:
            con.execute("begin")
            con.execute(
                "insert into main.contacts (contact_id, nct_id, ordinal, role, name, phone)"
                " values ('test-1', ?, 90, 'CONTACT', null, ?),"
                " ('test-2', ?, 91, 'CONTACT', ?, null)",
                [storer, stored, named, name],
            )
            con.execute("commit")

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
