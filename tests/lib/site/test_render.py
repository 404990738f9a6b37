"""Registry text is untrusted: whatever it holds, pages and feeds show it as text."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import html5lib
import jsonschema
import pytest

from orchestration.lib.common.settings import REPO_ROOT
from orchestration.lib.common.templates import TEMPLATES
from orchestration.lib.site import render
from orchestration.lib.site.feed import TrialDocument, canonical_json
from orchestration.lib.site.feed_update import state_row
from orchestration.lib.site.output import SiteOutput
from orchestration.lib.site.plain_language import DeterministicWriter
from orchestration.lib.site.render import SiteSettings, update_pages
from orchestration.lib.site.site_state import SiteState
from tests.support.sites import feed_documents, paged

XHTML = "{http://www.w3.org/1999/xhtml}"
SCRIPT = "<script>alert('x')</script>"
IMG = '"><img src=x onerror=alert(1)>'
CDATA = "]]></summary><entry>&amp;"


def _hostile_documents() -> tuple[list[dict], list[dict]]:
    facts = {
        "nct_id": "NCT00000001",
        "study_type": "INTERVENTIONAL",
        "phase": "Phase 2",
        "conditions_as_listed": [SCRIPT, IMG],
        "interventions": [{"type": "DRUG", "name": SCRIPT, "description": IMG}],
        "enrollment_count": 10,
        "primary_outcome": CDATA,
    }
    plain = DeterministicWriter().write(facts).as_dict()
    status = {"code": "RECRUITING", "label": "Recruiting"}
    trial = {
        "schema_version": 1,
        "nct_id": "NCT00000001",
        "path": "trials/NCT00000001.html",
        "registry_url": "https://clinicaltrials.gov/study/NCT00000001",
        "title": SCRIPT,
        "official_title": IMG,
        "plain": plain,
        "status": status,
        "phase": "Phase 2",
        "study_type": "INTERVENTIONAL",
        "enrollment": {"count": 10, "type": "ESTIMATED"},
        "history": {
            "first_seen": "2026-06-24",
            "last_updated": "2026-06-27",
            "update_count": 1,
            "complete": False,
            "header_line": "First seen Jun 24, 2026 · Last updated Jun 27, 2026 · Updated 1 time",
        },
        "eligibility": {
            "sex": IMG,
            "minimum_age": SCRIPT,
            "maximum_age": None,
            "healthy_volunteers": None,
        },
        "conditions": {
            "normalized": [{"mesh_id": "D000001", "term": SCRIPT, "slug": "x-d000001"}],
            "broader": [IMG],
            "branches": [{"abbrev": "BC04", "name": SCRIPT}],
            "as_listed": [SCRIPT, IMG],
        },
        "interventions": facts["interventions"],
        "sites": [
            {
                "facility": SCRIPT,
                "city": IMG,
                "state": CDATA,
                "zip": None,
                "country": "X",
                "latitude": 47.6,
                "longitude": -122.3,
                "status": status,
                "contact": "masked",
            }
        ],
        "contacts": [{"role": "Contact", "details": "masked"}],
        "recent_changes": [{"date": "2026-06-27", "sentence": SCRIPT + CDATA}],
        "timeline": [{"month": "2026-06", "label": "Jun 2026", "text": SCRIPT}],
        "is_removed": False,
    }
    condition = {
        "schema_version": 1,
        "slug": "x-d000001",
        "mesh_id": "D000001",
        "term": SCRIPT,
        "path": "conditions/x-d000001.html",
        "trials": [
            {
                "nct_id": "NCT00000001",
                "title": SCRIPT,
                "status": status,
                "phase": "Phase 2",
                "first_seen": "2026-06-24",
                "last_updated": "2026-06-27",
            }
        ],
    }
    return [trial], [condition]


def _documents(root: Path, trials: list[dict], conditions: list[dict]) -> SiteState:
    """The documents written to ``root``'s feed, and a site state of their trials."""
    output = SiteOutput(root)
    for trial in trials:
        output.write(f"feed/trials/{trial['nct_id']}.json", canonical_json(trial))
    for condition in conditions:
        output.write(f"feed/conditions/{condition['slug']}.json", canonical_json(condition))
    state = SiteState(root.with_name(root.name + "-state"))
    rows = state.made()
    for trial in trials:
        rows.add(state_row(TrialDocument(trial["nct_id"], "-", [], trial), share=1.0))
    meta = {"snapshot": 1, "feed_stamp": "-", "full": True}
    state.write(None, rows, removed=(), meta=meta)
    return state


def test_hostile_text_stays_text_in_pages_and_feeds(tmp_path: Path) -> None:
    trials, conditions = _hostile_documents()
    schema = json.loads((REPO_ROOT / "docs" / "site-feed.schema.json").read_text())
    jsonschema.validate(trials[0], schema)
    site = tmp_path / "site"
    state = _documents(site, trials, conditions)
    settings = SiteSettings("http://localhost:8000/", "/subscribe")
    update_pages(SiteOutput(site), state, settings, [], full=True, workers=1)
    assert list(feed_documents(site, "trials")) == trials
    assert list(feed_documents(site, "conditions")) == conditions
    pages = sorted(site.rglob("*.html"))
    # A trial, a condition, the home page, the letters, the condition's letter, a branch.
    assert len(pages) == 6
    for page in pages:
        parser = html5lib.HTMLParser()
        root = parser.parse(page.read_bytes())
        assert parser.errors == [], page
        assert root.findall(f".//{XHTML}script") == [], page
        assert not [e for e in root.iter() if e.get("onerror")], page
    pages_with_text = ("trials/NCT00000001.html", "index.html", render.letter_path("x"))
    for page in (*pages_with_text, render.branch_path("BC04")):
        text = "".join(html5lib.parse((site / page).read_text()).itertext())
        assert SCRIPT in text, page  # shown, as text
    assert IMG in "".join(html5lib.parse((site / "trials/NCT00000001.html").read_text()).itertext())
    for feed in [*site.rglob("*.xml")]:
        root = ET.parse(feed).getroot()  # well-formed despite the CDATA-breaking text
        assert SCRIPT in "".join(root.itertext()) or feed.name == "sitemap.xml"


def test_pages_are_remade_when_their_document_or_the_render_changes(tmp_path: Path) -> None:
    trials, conditions = _hostile_documents()
    settings = SiteSettings(base_url="https://example.org/", signup_url="/subscribe")
    site = tmp_path / "site"
    state = _documents(site, trials, conditions)
    first = SiteOutput(site)
    assert update_pages(first, state, settings, [], full=False, workers=1) == 2
    page = site / trials[0]["path"]
    rendered = page.read_text()
    # Nothing changed in the feed: no page is rendered again, and nothing is written.
    page.write_text("kept")
    again = SiteOutput(site)
    assert update_pages(again, state, settings, [], full=False, workers=1) == 0
    assert page.read_text() == "kept" and again.written == []
    # A changed document remakes its page and Atom feed, no more.
    trials[0]["title"] = "A new title"
    document = f"feed/trials/{trials[0]['nct_id']}.json"
    SiteOutput(site).write(document, canonical_json(trials[0]))
    changed = SiteOutput(site)
    update_pages(changed, state, settings, [document], full=False, workers=1)
    atom = site / f"feeds/trials/{trials[0]['nct_id']}.xml"
    assert sorted(changed.written) == sorted([trials[0]["path"], atom.relative_to(site).as_posix()])
    assert "A new title" in page.read_text() and "A new title" in atom.read_text()
    rendered = page.read_text()
    # Other settings remake every page, though no document changed.
    page.write_text("kept")
    moved = replace(settings, base_url="https://elsewhere.org/")
    update_pages(SiteOutput(site), state, moved, [], full=False, workers=1)
    assert page.read_text() == rendered
    assert "https://elsewhere.org/" in atom.read_text()
    # A document removed takes its page and Atom feed with it.
    (site / document).unlink()
    gone = SiteOutput(site)
    update_pages(gone, state, moved, [document], full=False, workers=1)
    assert sorted(gone.removed) == sorted([trials[0]["path"], atom.relative_to(site).as_posix()])


def test_the_render_stamp_follows_the_pages_version_and_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A template's or this code's bytes are no version: an edit that writes the same
    # pages remakes none; the golden tests catch an edit that changes them unraised.
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    monkeypatch.setattr(render, "TEMPLATES", templates / "site")
    settings = SiteSettings(base_url="https://example.org/", signup_url="/subscribe")
    stamp = render.render_stamp(settings)
    with (templates / "site" / "trial.html.j2").open("a") as handle:
        handle.write("{# edited #}\n")
    assert render.render_stamp(settings) == stamp
    moved = SiteSettings(base_url="https://example.net/", signup_url="/subscribe")
    assert render.render_stamp(moved) != stamp
    monkeypatch.setattr(render, "PAGES", render.PAGES + 1)
    assert render.render_stamp(settings) != stamp


def test_a_condition_is_paged_and_its_pages_beyond_its_trials_removed(tmp_path: Path) -> None:
    trials, conditions = _hostile_documents()
    listed = conditions[0]["trials"][0]
    conditions[0]["trials"] = [
        {**listed, "nct_id": f"NCT{n:08d}"} for n in range(1, 2 * render.CONDITION_PAGE + 12)
    ]
    site = tmp_path / "site"
    state = _documents(site, trials, conditions)
    settings = SiteSettings(base_url="https://example.org/", signup_url="/subscribe")
    update_pages(SiteOutput(site), state, settings, [], full=True, workers=1)
    pages = [render.condition_page("x-d000001", n) for n in (1, 2, 3)]
    shown = []
    for number, page in enumerate(pages, start=1):
        html = (site / page).read_text()
        shown += re.findall(r'href="\.\./trials/(NCT\d{8})\.html"', html)
        assert f"Page {number} of 3" in html
        assert ('rel="next"' in html) == (number < 3) and ('rel="prev"' in html) == (number > 1)
    assert shown == [t["nct_id"] for t in conditions[0]["trials"]]
    assert not (site / render.condition_page("x-d000001", 4)).exists()

    # Fewer trials now: the pages past the last are removed, and the first says so.
    conditions[0]["trials"] = conditions[0]["trials"][:5]
    document = "feed/conditions/x-d000001.json"
    SiteOutput(site).write(document, canonical_json(conditions[0]))
    fewer = SiteOutput(site)
    update_pages(fewer, state, settings, [document], full=False, workers=1)
    assert sorted(fewer.removed) == pages[1:]
    assert "Page 1 of" not in (site / pages[0]).read_text()
    # The condition gone: every page of it goes too.
    SiteOutput(site).write(
        document, canonical_json({**conditions[0], "trials": conditions[0]["trials"] * 20})
    )
    update_pages(SiteOutput(site), state, settings, [document], full=False, workers=1)
    assert (site / pages[1]).exists()
    (site / document).unlink()
    gone = SiteOutput(site)
    update_pages(gone, state, settings, [document], full=False, workers=1)
    assert not list((site / "conditions").glob("x-d000001*"))


def test_the_lists_of_conditions_are_paged_by_letter_and_branch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render, "LIST_PAGE", 3)
    trials, _ = _hostile_documents()
    terms = ["Asthma", "Acne", "Anemia", "Angina", "Aphasia", "Bronchitis", "2019 nCoV"]
    normalized = [
        {"mesh_id": f"D{n:06d}", "term": term, "slug": f"{term.lower().replace(' ', '-')}-d{n:06d}"}
        for n, term in enumerate(terms, start=1)
    ]
    trials[0]["conditions"]["normalized"] = normalized
    site = tmp_path / "site"
    state = _documents(site, trials, [])
    settings = SiteSettings("http://localhost:8000/", "/subscribe")
    update_pages(SiteOutput(site), state, settings, [], full=True, workers=1)

    def listed(first: str) -> list[str]:
        """The conditions on a list's pages, in order."""
        pattern = r'href="\.\./conditions/([a-z0-9-]+-d\d{6})\.html">'
        return [slug for page in paged(site, first) for slug in re.findall(pattern, page)]

    letters = (site / "conditions/index.html").read_text()
    shown = re.findall(r'href="\.\./conditions/letter-(\w)\.html">(\w+)</a> \((\d+)\)', letters)
    assert shown == [("0", "Other", "1"), ("a", "A", "5"), ("b", "B", "1")]
    slugs = {term: c["slug"] for term, c in zip(terms, normalized, strict=True)}
    by_letter = sorted(slugs[t] for t in terms if t.startswith("A"))
    assert listed(render.letter_path("a")) == by_letter
    assert (site / render.letter_path("a", 2)).exists()
    assert not (site / render.letter_path("a", 3)).exists()
    assert listed(render.letter_path("0")) == [slugs["2019 nCoV"]]
    assert len(listed(render.branch_path("BC04"))) == len(terms)
    assert (site / render.branch_path("BC04", 3)).exists()

    # Fewer conditions: the letter's second page, a letter and a branch page go.
    trials[0]["conditions"]["normalized"] = normalized[:2]
    state = _documents(site, trials, [])
    update_pages(SiteOutput(site), state, settings, [], full=False, workers=1)
    assert listed(render.letter_path("a")) == sorted(slugs[t] for t in ("Asthma", "Acne"))
    assert not (site / render.letter_path("a", 2)).exists()
    assert not (site / render.letter_path("b")).exists()
    assert not (site / render.branch_path("BC04", 2)).exists()
