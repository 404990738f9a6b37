"""The site built from the whole sample: complete, valid, safe, readable, incremental."""

from __future__ import annotations

import html
import json
import re
import sqlite3
import xml.etree.ElementTree as ET
from contextlib import closing
from pathlib import Path
from statistics import median

import dagster as dg
import html5lib
import jsonschema
import pytest
import textstat

from orchestration.defs.site.assets import site_feed, site_pages
from orchestration.defs.site.checks import summaries_are_plain
from orchestration.defs.site.resources import SiteResource
from orchestration.lib.common.lake import Lake, open_lake
from orchestration.lib.common.privacy import DETAILS_MASK, warehouse_scrubber
from orchestration.lib.common.settings import REPO_ROOT, Settings
from orchestration.lib.site import feed_update
from orchestration.lib.site.builds import problems
from orchestration.lib.site.feed_update import update_feed
from orchestration.lib.site.output import SiteOutput
from orchestration.lib.site.plain_language import DeterministicWriter
from orchestration.lib.site.render import CONDITION_PAGE, branch_path, letter_path
from orchestration.lib.site.site_state import SiteState
from orchestration.web.search import live_index
from tests.support.pipeline import data_dir
from tests.support.records import nct
from tests.support.sites import feed_documents, paged

SCHEMA = json.loads((REPO_ROOT / "docs" / "site-feed.schema.json").read_text())


def _contact_details(records: list[dict]) -> set[str]:
    """Every phone and email in the sample, read from the raw records."""
    found = set()
    for record in records:
        module = record["protocolSection"].get("contactsLocationsModule", {})
        people = list(module.get("centralContacts", []))
        for location in module.get("locations", []):
            people += location.get("contacts", [])
        for person in people:
            found |= {person[k] for k in ("phone", "email") if person.get(k)}
    return found


def test_every_trial_and_condition_has_a_page(
    sample_warehouse: Settings, sample_records: list[dict]
) -> None:
    site = sample_warehouse.site
    trial_pages = {p.stem for p in (site / "trials").glob("*.html")}
    assert trial_pages == {
        r["protocolSection"]["identificationModule"]["nctId"] for r in sample_records
    }
    mesh_ids = {
        mesh["id"].lower()
        for r in sample_records
        for mesh in r.get("derivedSection", {}).get("conditionBrowseModule", {}).get("meshes", [])
    }
    first_pages = [
        p
        for p in (site / "conditions").glob("*-*.html")
        if "-page-" not in p.stem and not p.stem.startswith(("branch-", "letter-"))
    ]
    assert {p.stem.rsplit("-", 1)[1] for p in first_pages} == mesh_ids
    assert len(list((site / "feeds" / "trials").glob("*.xml"))) == len(trial_pages)
    # A condition with more trials than a page holds has more pages, which list them all.
    trials_of = {
        mesh["id"].lower(): set()
        for r in sample_records
        for mesh in r.get("derivedSection", {}).get("conditionBrowseModule", {}).get("meshes", [])
    }
    for r in sample_records:
        for mesh in r.get("derivedSection", {}).get("conditionBrowseModule", {}).get("meshes", []):
            trials_of[mesh["id"].lower()].add(r["protocolSection"]["identificationModule"]["nctId"])
    for first in first_pages:
        mesh_id = first.stem.rsplit("-", 1)[1]
        pages = [first, *sorted(site.glob(f"conditions/{first.stem}-page-*.html"))]
        assert len(pages) == -(-len(trials_of[mesh_id]) // CONDITION_PAGE)
        listed = [
            n
            for page in pages
            for n in re.findall(r"\.\./trials/(NCT\d{8})\.html", page.read_text())
        ]
        assert sorted(listed) == sorted(trials_of[mesh_id]), first.name
    assert max(len(t) for t in trials_of.values()) > 2 * CONDITION_PAGE


def test_pages_are_valid_html_and_feeds_valid_xml(sample_warehouse: Settings) -> None:
    site = sample_warehouse.site
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 1_000
    for page in pages:
        parser = html5lib.HTMLParser(strict=False)
        document = parser.parse(page.read_bytes())
        assert parser.errors == [], (page, parser.errors[:3])
        assert document.get("lang") == "en", page  # the parser returns the <html> element
    feeds = sorted((site / "feeds").rglob("*.xml"))
    for feed in feeds:
        root = ET.parse(feed).getroot()
        assert root.tag == "{http://www.w3.org/2005/Atom}feed" and root.findall(
            "{http://www.w3.org/2005/Atom}entry"
        )
    sitemap = ET.parse(site / "sitemap.xml").getroot()
    trials = list(feed_documents(site, "trials"))
    conditions = list(feed_documents(site, "conditions"))
    assert len(sitemap) == 1 + len(trials) + len(conditions)


def test_no_contact_detail_appears_anywhere(
    sample_warehouse: Settings, sample_records: list[dict]
) -> None:
    # Emails, and phones with enough digits to reach someone ("613" is also a count).
    details = {
        d for d in _contact_details(sample_records) if "@" in d or sum(c.isdigit() for c in d) >= 7
    }
    assert len(details) > 100  # the sample has real contacts to leak
    needles = [d.lower() for d in details]
    for path in sample_warehouse.site.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="ignore").lower()
            assert not [n for n in needles if n in text], path
    with open_lake(sample_warehouse) as con:
        scrubber = warehouse_scrubber(con)
    assert problems(sample_warehouse.site.resolve(), scrubber) == []


# Contact details and person names as a reader would spot them, read independently
# of the scrubber's patterns: an email, a North American number with separators.
_EMAIL = re.compile(r"[\w.'+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\(?\b\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b")
_PERSON = re.compile(r"^(?:Dr\.? )?[A-Z][a-z]+ (?:[A-Z]\.? )?[A-Z][a-z]+(?:, [A-Za-z.]+)*$")


def _free_text_details(record: dict) -> set[str]:
    """Emails and phone numbers written into the record's text outside its contacts."""
    protocol = dict(record["protocolSection"])
    module = dict(protocol.get("contactsLocationsModule", {}))
    module.pop("centralContacts", None)
    module["locations"] = [
        {k: v for k, v in loc.items() if k != "contacts"} for loc in module.get("locations", [])
    ]
    protocol["contactsLocationsModule"] = module
    text = json.dumps(protocol)
    return set(_EMAIL.findall(text)) | set(_PHONE.findall(text))


def _people(record: dict) -> set[str]:
    protocol = record["protocolSection"]
    module = protocol.get("contactsLocationsModule", {})
    sponsors = protocol.get("sponsorCollaboratorsModule", {})
    organisations = {loc.get("facility") for loc in module.get("locations", [])}
    organisations.add(sponsors.get("leadSponsor", {}).get("name"))
    organisations |= {s.get("name") for s in sponsors.get("collaborators", [])}
    people = module.get("centralContacts", []) + module.get("overallOfficials", [])
    return {
        p["name"]
        for p in people
        if _PERSON.match(p.get("name") or "") and p["name"] not in organisations
    }


def _trial_files(site: Path, nct_id: str) -> str:
    return "".join(
        html.unescape((site / path).read_text())
        for path in (
            f"trials/{nct_id}.html",
            f"feed/trials/{nct_id}.json",
            f"feeds/trials/{nct_id}.xml",
        )
    )


def test_details_in_free_text_and_contact_names_are_masked(
    sample_warehouse: Settings, sample_records: list[dict]
) -> None:
    site = sample_warehouse.site
    with_details = {nct(r): _free_text_details(r) for r in sample_records}
    with_details = {k: v for k, v in with_details.items() if v}
    shown_at_sites = {
        nct(r)
        for r in sample_records
        for loc in r["protocolSection"].get("contactsLocationsModule", {}).get("locations", [])
        if _PHONE.search(loc.get("facility") or "")
    }
    assert len(shown_at_sites) >= 19  # the sample's Lilly trials list a phone as a facility
    for nct_id, details in with_details.items():
        published = _trial_files(site, nct_id)
        assert not [d for d in details if d in published], nct_id
        assert nct_id not in shown_at_sites or DETAILS_MASK in published, nct_id
    # A contact name the record also gives as a facility or sponsor is shown as that.
    people = {nct(r): _people(r) for r in sample_records}
    assert sum(map(len, people.values())) > 100  # the sample names real people
    for nct_id, names in people.items():
        page = _trial_files(site, nct_id).lower()
        assert not [n for n in names if n.lower() in page], nct_id


def test_feed_documents_follow_the_published_schema(
    sample_warehouse: Settings, sample_records: list[dict]
) -> None:
    trials = list(feed_documents(sample_warehouse.site, "trials"))
    conditions = list(feed_documents(sample_warehouse.site, "conditions"))
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    for document in trials:
        assert not list(validator.iter_errors(document)), document["nct_id"]
    condition_schema = {**SCHEMA["$defs"]["condition"], "$defs": SCHEMA["$defs"]}
    for document in conditions:
        jsonschema.validate(document, condition_schema)
    status = {
        r["protocolSection"]["identificationModule"]["nctId"]: r["protocolSection"][
            "statusModule"
        ].get("overallStatus")
        for r in sample_records
    }
    # Search is the web service's: its index is beside the build, not a file of the feed.
    assert not (sample_warehouse.site / "feed" / "search-index.json").exists()
    with closing(sqlite3.connect(live_index(sample_warehouse))) as index:
        assert dict(index.execute("select nct_id, status from trials")) == status
    assert {d["nct_id"]: d["status"]["code"] for d in trials} == status
    # Each site carries the registry's geocode.
    points = {
        r["protocolSection"]["identificationModule"]["nctId"]: [
            (x.get("geoPoint") or {}).get("lat")
            for x in r["protocolSection"].get("contactsLocationsModule", {}).get("locations", [])
        ]
        for r in sample_records
    }
    assert {d["nct_id"]: [s["latitude"] for s in d["sites"]] for d in trials} == points


def test_summaries_read_at_grade_eight_or_below(sample_warehouse: Settings) -> None:
    trials = list(feed_documents(sample_warehouse.site, "trials"))
    grades = [textstat.flesch_kincaid_grade(t["plain"]["summary"]) for t in trials]
    assert median(grades) <= 8
    with data_dir(sample_warehouse.data_dir):
        result = summaries_are_plain()
    assert result.passed
    assert result.metadata["median_flesch_kincaid_grade"].value == pytest.approx(
        median(grades), abs=0.01
    )
    assert result.metadata["summaries_graded"].value == len(trials) == 909


def test_a_large_site_is_graded_on_a_sample(
    sample_warehouse: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trials = list(feed_documents(sample_warehouse.site, "trials"))
    whole = median(textstat.flesch_kincaid_grade(t["plain"]["summary"]) for t in trials)
    monkeypatch.setattr(feed_update, "GRADED_SAMPLE", 300)
    state = SiteState(tmp_path / "state")
    with data_dir(sample_warehouse.data_dir) as current, Lake.of(current).connect() as con:
        update_feed(con, DeterministicWriter(), SiteOutput(tmp_path / "site"), None, state, True)
    grades = state.column("grade", "grade is not null")
    assert 250 <= len(grades) <= 350  # every third trial, by the number in its id
    assert median(grades) == pytest.approx(whole, abs=0.5)


def test_a_rebuild_with_no_change_reads_and_writes_nothing(sample_warehouse: Settings) -> None:
    with data_dir(sample_warehouse.data_dir):
        again = dg.materialize([site_feed, site_pages], resources={"site": SiteResource()})
    assert again.success
    (feed,) = again.asset_materializations_for_node("site_feed")
    assert feed.metadata["full_build"].value is False
    assert feed.metadata["trials_remade"].value == 0
    for key in ("site_feed", "site_pages"):
        (materialization,) = again.asset_materializations_for_node(key)
        assert materialization.metadata["files_written"].value == 0, key
        assert materialization.metadata["files_removed"].value == 0, key


def test_the_home_page_stays_one_screen_the_newest_trials_and_the_search_box(
    sample_warehouse: Settings, sample_records: list[dict]
) -> None:
    home = (sample_warehouse.site / "index.html").read_text()
    trials = list(feed_documents(sample_warehouse.site, "trials"))

    def newest(date: str) -> list[str]:
        ordered = sorted(trials, key=lambda d: d["nct_id"])
        ordered.sort(key=lambda d: d["history"][date], reverse=True)
        return [d["nct_id"] for d in ordered[:20]]

    sections = {
        name: re.findall(r"\((NCT\d{8})\)", part.split("</section>")[0])
        for name, part in re.findall(r'<h2 id="(changed|seen)">(.*?</section>)', home, re.S)
    }
    assert sections == {"changed": newest("last_updated"), "seen": newest("first_seen")}
    recruiting = sum(
        r["protocolSection"]["statusModule"].get("overallStatus") == "RECRUITING"
        for r in sample_records
    )
    assert f"909 trials, {recruiting} of them recruiting." in home
    assert re.search(r'<form class="search" method="get" action="/search"', home)
    assert len(re.findall(r'href="trials/NCT', home)) <= 40


def test_browse_by_condition_groups_trials_by_the_records_own_branches(
    sample_warehouse: Settings, sample_records: list[dict]
) -> None:
    site = sample_warehouse.site
    trials_in: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    terms_in: dict[str, dict[str, set[str]]] = {}
    for record in sample_records:
        nct_id = record["protocolSection"]["identificationModule"]["nctId"]
        browse = record.get("derivedSection", {}).get("conditionBrowseModule", {})
        for branch in browse.get("browseBranches", []):
            if branch["abbrev"] == "All":
                continue
            names[branch["abbrev"]] = branch["name"]
            trials_in.setdefault(branch["abbrev"], set()).add(nct_id)
            for mesh in browse.get("meshes", []):
                term = (mesh["id"].lower(), mesh["term"])
                terms_in.setdefault(branch["abbrev"], {}).setdefault(term, set()).add(nct_id)
    home = (site / "index.html").read_text()
    shown = re.findall(r'<a href="conditions/branch-(\w+)\.html">([^<]+)</a> \(([\d,]+)\)', home)
    assert {(a.upper(), html.unescape(n), int(c.replace(",", ""))) for a, n, c in shown} == {
        (a.upper(), names[a], len(t)) for a, t in trials_in.items()
    }
    for abbrev, terms in terms_in.items():
        listed = _conditions_listed(site, branch_path(abbrev))
        assert sorted(listed) == sorted((*term, len(ids)) for term, ids in terms.items()), abbrev
        counts = [count for _, _, count in listed]
        assert counts == sorted(counts, reverse=True)  # the most studied first


def test_every_condition_is_listed_once_under_its_letter(
    sample_warehouse: Settings, sample_records: list[dict]
) -> None:
    site = sample_warehouse.site
    trials_of: dict[tuple[str, str], set[str]] = {}
    for record in sample_records:
        browse = record.get("derivedSection", {}).get("conditionBrowseModule", {})
        for mesh in browse.get("meshes", []):
            trials_of.setdefault((mesh["id"].lower(), mesh["term"]), set()).add(nct(record))

    def letter(term: str) -> str:  # A to Z by the term's first letter, the rest as "0"
        return term[0].lower() if term[0].isascii() and term[0].isalpha() else "0"

    index = (site / "conditions/index.html").read_text()
    shown = re.findall(r'href="\.\./conditions/letter-(\w)\.html">(\w+)</a> \(([\d,]+)\)', index)
    assert [first for first, _, _ in shown] == sorted({letter(term) for _, term in trials_of})
    listed = []
    for first, _, count in shown:
        under = _conditions_listed(site, letter_path(first))
        assert int(count.replace(",", "")) == len(under), first
        assert {letter(term) for _, term, _ in under} == {first}
        listed += under
    assert sorted(listed) == sorted((*term, len(ids)) for term, ids in trials_of.items())


def _conditions_listed(site: Path, first: str) -> list[tuple[str, str, int]]:
    """(MeSH id, term, trials) of each condition on a list's pages, in order."""
    pattern = r'conditions/[a-z0-9-]+-(d\d+)\.html">([^<]+)</a> \(([\d,]+)\)'
    return [
        (mesh_id, html.unescape(term), int(count.replace(",", "")))
        for page in paged(site, first)
        for mesh_id, term, count in re.findall(pattern, page)
    ]
