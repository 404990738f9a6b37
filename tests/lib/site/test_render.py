"""Registry text is untrusted: whatever it holds, pages and feeds show it as text."""

from __future__ import annotations

import json
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
from orchestration.lib.site.output import SiteOutput
from orchestration.lib.site.plain_language import DeterministicWriter
from orchestration.lib.site.render import SiteSettings, feed_documents, render_pages, write_feed

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
                "status": status,
                "contact": "masked",
            }
        ],
        "contacts": [{"role": "Contact", "details": "masked"}],
        "recent_changes": [{"date": "2026-06-27", "sentence": SCRIPT + CDATA}],
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


def test_hostile_text_stays_text_in_pages_and_feeds(tmp_path: Path) -> None:
    trials, conditions = _hostile_documents()
    schema = json.loads((REPO_ROOT / "docs" / "site-feed.schema.json").read_text())
    jsonschema.validate(trials[0], schema)
    output = SiteOutput(tmp_path)
    write_feed(trials, output)
    render_pages(trials, conditions, output, SiteSettings("http://localhost:8000/", "/subscribe"))
    assert list(feed_documents(tmp_path, "trials")) == trials
    assert list(feed_documents(tmp_path, "conditions")) == conditions
    pages = sorted(tmp_path.rglob("*.html"))
    assert len(pages) == 4
    for page in pages:
        parser = html5lib.HTMLParser()
        root = parser.parse(page.read_bytes())
        assert parser.errors == [], page
        assert root.findall(f".//{XHTML}script") == [], page
        assert not [e for e in root.iter() if e.get("onerror")], page
    trial_page = (tmp_path / "trials" / "NCT00000001.html").read_text()
    text = "".join(html5lib.parse(trial_page).itertext())
    assert SCRIPT in text and IMG in text  # shown, as text
    for feed in [*tmp_path.rglob("*.xml")]:
        root = ET.parse(feed).getroot()  # well-formed despite the CDATA-breaking text
        assert SCRIPT in "".join(root.itertext()) or feed.name == "sitemap.xml"


def test_pages_are_remade_when_their_document_or_the_render_changes(tmp_path: Path) -> None:
    trials, conditions = _hostile_documents()
    settings = SiteSettings(base_url="https://example.org/", signup_url="/subscribe")
    write_feed(trials, SiteOutput(tmp_path))
    render_pages(trials, conditions, SiteOutput(tmp_path), settings)
    page = tmp_path / trials[0]["path"]
    rendered = page.read_text()
    # A page newer than its document is kept as it is: not even rendered again.
    page.write_text("kept")
    again = SiteOutput(tmp_path)
    render_pages(trials, conditions, again, settings)
    assert page.read_text() == "kept"
    assert trials[0]["path"] not in again.written
    # A newer document remakes its page and Atom feed (here the same bytes), no more.
    trials[0]["official_title"] = "A new official title"
    changed = SiteOutput(tmp_path)
    write_feed(trials, changed)
    render_pages(trials, conditions, changed, settings)
    nct_id = trials[0]["nct_id"]
    assert sorted(changed.written) == [f"feed/trials/{nct_id}.json", trials[0]["path"]]
    assert page.read_text() != "kept"
    # The Atom feed, remade to the same bytes, is dated now: the next render keeps it.
    atom = tmp_path / f"feeds/trials/{nct_id}.xml"
    atom.write_text("kept")
    render_pages(trials, conditions, SiteOutput(tmp_path), settings)
    assert atom.read_text() == "kept"
    # Other settings remake every page, though no document changed.
    page.write_text("kept")
    moved = SiteOutput(tmp_path)
    render_pages(trials, conditions, moved, replace(settings, base_url="https://elsewhere.org/"))
    assert page.read_text() != "kept"
    assert "https://elsewhere.org/" in atom.read_text()
    assert page.read_text() == rendered


def test_the_render_stamp_follows_the_site_templates_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    monkeypatch.setattr(render, "TEMPLATES", templates / "site")
    settings = SiteSettings(base_url="https://example.org/", signup_url="/subscribe")
    stamp = render.render_stamp(settings)
    for other in ("mail/digest.txt.j2", "report/report.html.j2"):
        with (templates / other).open("a") as handle:
            handle.write("{# edited #}\n")
    assert render.render_stamp(settings) == stamp  # mail and report edits leave pages be
    with (templates / "site" / "trial.html.j2").open("a") as handle:
        handle.write("{# edited #}\n")
    assert render.render_stamp(settings) != stamp
