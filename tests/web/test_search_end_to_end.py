"""Finding a trial in a real browser (Debian's Chromium) on `make site` over the sample:
a condition and a city typed into the home page's form give the recruiting trials with
a site within the radius, nearest first, as the raw records say; another radius changes
them as the records say; an unknown place gets its message; the result URL reproduces
the page. Every kind of page passes an accessibility audit (axe-core)."""

from __future__ import annotations

import re
from pathlib import Path

import textstat
from playwright.sync_api import Page

from orchestration.lib.common.settings import Settings
from tests.support.browser import new_page
from tests.support.pipeline import data_copy
from tests.support.search import expected, seattle
from tests.support.sites import feed_documents
from tests.support.web import serious_violations, served


def _results(page: Page) -> list[tuple[str, int]]:
    """Each result's NCT id and the distance it shows, in kilometres."""
    found = []
    for item in page.locator("ol.results > li").all():
        text = item.inner_text()
        nct_id = re.search(r"\((NCT\d{8})\)", text).group(1)
        found.append((nct_id, int(re.search(r"(\d+) km away", text).group(1))))
    return found


def _find(page: Page, words: str, near: str, radius: str) -> None:
    page.get_by_label("Condition or words").fill(words)
    page.get_by_label("Near (a city, US ZIP code or country)").fill(near)
    page.get_by_label("Within").select_option(radius)
    page.get_by_role("button", name="Find trials").click()
    page.wait_for_load_state()


def test_a_person_finds_trials_near_a_city_and_every_page_passes_the_audit(
    sample_warehouse: Settings, sample_records: list[dict], browser: str, tmp_path: Path
) -> None:
    documents = {d["nct_id"]: d for d in feed_documents(sample_warehouse.site, "trials")}
    near = seattle()
    with (
        data_copy(sample_warehouse, tmp_path / "data") as current,
        served(current.data_dir, {}) as base,
        new_page(browser) as page,
    ):
        audited: dict[str, list[str]] = {}
        page.goto(base + "index.html")
        audited["home"] = serious_violations(page)

        _find(page, "leukemia", "Seattle", "100 km")
        wanted = expected(sample_records, documents, near, 100, word="leukemia")
        assert wanted and len(wanted) <= 20  # one page
        assert _results(page) == [(n, round(km)) for n, km in wanted]
        assert (
            page.get_by_role("heading", level=2)
            .first.inner_text()
            .endswith("near Seattle, Washington, United States")
        )
        audited["search results"] = serious_violations(page)

        # The URL is the search: opened again, the same results.
        shared = page.context.new_page()
        shared.goto(page.url)
        assert _results(shared) == _results(page)

        # Another radius, on the results page's own form.
        _find(page, "leukemia", "Seattle", "500 km")
        wider = expected(sample_records, documents, near, 500, word="leukemia")
        assert len(wider) > len(wanted)
        assert _results(page) == [(n, round(km)) for n, km in wider][:20]

        _find(page, "leukemia", "Atlantis-under-the-sea", "100 km")
        assert (
            page.get_by_role("heading", level=2)
            .first.inner_text()
            .startswith("We could not find the place")
        )
        audited["unknown place"] = serious_violations(page)
        # The search page's own words (headings, labels, messages, each read as a
        # sentence) read at the site's level: US grade 8 or below.
        parts = page.locator("main :is(h1, h2, legend, label, p)").all_inner_texts()
        words = ". ".join(" ".join(p.split()).rstrip(".") for p in parts if p.strip()) + "."
        assert textstat.flesch_kincaid_grade(words) <= 8, words

        page.goto(base + "trials/" + wanted[0][0] + ".html")
        audited["trial"] = serious_violations(page)
        page.locator("a[href*='conditions/']").first.click()
        audited["condition"] = serious_violations(page)
        page.goto(base + "conditions/index.html")
        audited["conditions"] = serious_violations(page)
        page.locator("a[href*='letter-']").first.click()
        audited["conditions by letter"] = serious_violations(page)
        page.goto(base + "index.html")
        page.locator("a[href*='branch-']").first.click()
        audited["conditions by branch"] = serious_violations(page)
        page.goto(base + "terms")
        audited["sign-up terms"] = serious_violations(page)
        page.goto(base + "unsubscribe?token=not-a-token")
        audited["unsubscribe"] = serious_violations(page)
        assert audited == {name: [] for name in audited}
        # The audit finds what it should: a field without a label is critical.
        page.set_content('<html lang="en"><title>t</title><main><input type="text"></main>')
        assert any(v.startswith("label (critical)") for v in serious_violations(page))
