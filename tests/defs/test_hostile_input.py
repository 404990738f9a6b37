"""A hostile corpus through the whole graph: each bad record quarantined with its reason,
every good one landed, nothing written outside its folder, and no contact detail or
contact person's name in any published file or digest."""

from __future__ import annotations

import copy
import email
import email.policy
import html
import json
import xml.etree.ElementTree as ET
import zipfile
from datetime import date

import polars as pl
import pytest

from orchestration.lib.common.privacy import DETAILS_MASK, Scrubber
from orchestration.lib.common.settings import environment
from orchestration.testing.change_patterns import posted_on
from tests.support.pipeline import data_dir, query, run_everything
from tests.support.records import nct

# About 85 s of a worker's time on CI.
pytestmark = pytest.mark.long(seconds=85)

PHONE, EMAIL, PERSON = "(412) 555-0147", "o'brien.jane@example.org", "Jane Q. Obrien"
LIMIT = 400_000  # TRIALWATCH_MAX_RECORD_BYTES for this corpus
MEMBER_LIMIT = 1_000_000  # TRIALWATCH_MAX_MEMBER_BYTES


def _nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, sample_records: list[dict]) -> dict:
    folder = tmp_path_factory.mktemp("hostile")
    good = copy.deepcopy(sample_records[:20])
    talker = good[0]  # its summary gives a phone and an email; a contact is added on day 2
    talker["protocolSection"]["descriptionModule"]["briefSummary"] = (
        f"Questions? Call {PERSON} at {PHONE} or write to {EMAIL}."
    )
    talker["protocolSection"]["armsInterventionsModule"]["interventions"][0]["description"] = (
        f"Dosing questions go to {PERSON}, {PHONE}."
    )
    talker["protocolSection"].setdefault("contactsLocationsModule", {})["centralContacts"] = []
    traversal = good[1]  # a MeSH id that would climb out of the site folder
    traversal.setdefault("derivedSection", {})["conditionBrowseModule"] = {
        "meshes": [{"id": "D0/../../../../escaped", "term": "Escape"}],
        "ancestors": [],
    }
    pasted = good[2]  # a vertical tab, as pasted from a word processor
    pasted["protocolSection"]["identificationModule"]["briefTitle"] = "Pasted\x0btitle"
    deep = copy.deepcopy(sample_records[20])
    deep["protocolSection"]["descriptionModule"]["extra"] = _nested(300)
    huge = copy.deepcopy(sample_records[21])
    huge["protocolSection"]["descriptionModule"]["detailedDescription"] = "x" * LIMIT
    newline = copy.deepcopy(sample_records[22])
    newline["protocolSection"]["identificationModule"]["nctId"] += "\n"
    arabic = copy.deepcopy(sample_records[23])
    arabic["protocolSection"]["identificationModule"]["nctId"] = "NCT" + "\u0660" * 8
    bad = [deep, huge, newline, arabic]

    day1 = folder / "day1"
    day1.mkdir()
    (day1 / "studies.jsonl").write_text("\n".join(json.dumps(s) for s in good + bad) + "\n")
    # A saved API page holding a study nested too deep: the rest of the page lands.
    page = {"studies": [sample_records[24], deep], "nextPageToken": None}
    (day1 / "page.json").write_text(json.dumps(page))
    # A zip whose one member inflates past the member limit: read no further.
    with zipfile.ZipFile(day1 / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("NCT99999999.json", "[" + " " * (2 * MEMBER_LIMIT) + "]")

    day2 = folder / "day2"
    day2.mkdir()
    changed = posted_on(copy.deepcopy(talker), date(2026, 7, 2))
    changed["protocolSection"]["contactsLocationsModule"]["centralContacts"] = [
        {"name": PERSON, "role": "CONTACT", "phone": "+1 412 555 0147", "email": EMAIL}
    ]
    (day2 / "studies.jsonl").write_text(json.dumps(changed) + "\n")
    return {
        "folder": folder,
        "talker": nct(talker),
        "pasted": nct(pasted),
        "bad": bad,
        "good": good,
    }


@pytest.fixture(scope="module")
def built(corpus: dict, tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("hostile-run") / "data"
    limits = {
        "TRIALWATCH_MAX_RECORD_BYTES": str(LIMIT),
        "TRIALWATCH_MAX_MEMBER_BYTES": str(MEMBER_LIMIT),
    }
    with data_dir(data) as current, environment(limits):
        signups = current.subscriptions
        signups.mkdir(parents=True)
        (signups / "signups.csv").write_text(
            "email,nct_id,condition,created_at,unsubscribe_token\n"
            f"reader@example.net,{corpus['talker']},,2026-06-01,tok-1\n"
            # A token that would end a mail header and start another: skipped, alone.
            f'mallory@example.net,{corpus["talker"]},,2026-06-01,"t\r\nBcc: all@example.net"\n'
        )
        first = run_everything(corpus["folder"] / "day1", as_of="2026-07-01")
        second = run_everything(corpus["folder"] / "day2", as_of="2026-07-02")
        yield current, first, second


def test_every_bad_record_is_quarantined_and_the_rest_lands(built, corpus: dict) -> None:
    current, first, second = built
    assert first.success and second.success
    reasons = [r for (r,) in query(current, "select reason from main.quarantine")]
    assert len(reasons) == 6  # four in the lines, one in the page, one in the zip
    assert sum("nested too deeply" in r or "written back" in r for r in reasons) == 2
    assert sum("bytes is over the limit" in r for r in reasons) == 1
    assert sum("invalid nctId" in r for r in reasons) == 2
    assert sum("zip member over the limit" in r for r in reasons) == 1
    landed = {n for (n,) in query(current, "select nct_id from main.trials")}
    assert landed == {nct(s) for s in corpus["good"]} | {nct(corpus["good"][0])} | {
        query(current.landing, "select nct_id from raw_studies where source_file = 'page.json'")[0][
            0
        ]
    }


def test_nothing_is_written_outside_its_folder(built, corpus: dict) -> None:
    current, _, _ = built
    root = current.data_dir.parent
    assert not list(root.rglob("escaped*"))
    assert not any("escape" in p.name for p in (current.site / "conditions").iterdir())


def test_no_contact_detail_or_name_is_published(built, corpus: dict) -> None:
    current, _, second = built
    published = [p for p in current.site.rglob("*") if p.is_file()]
    published += [p for p in current.outbox.rglob("*.eml")]
    exported = list((current.exports / "public").glob("*.parquet"))
    assert {p.stem for p in exported} >= {"trials", "interventions", "trial_changes"}
    digests = [p for p in published if p.suffix == ".eml"]
    assert len(digests) == 1  # the subscriber heard of the change; the hostile row did not
    needles = [PHONE, "412-555-0147", "412 555 0147", EMAIL, PERSON, "Obrien"]
    for path in published:
        text = path.read_text(errors="replace")
        readable = html.unescape(text).replace("=\n", "")  # quoted-printable soft breaks
        assert not [n for n in needles if n.lower() in readable.lower()], path
    scrubber = Scrubber.of([PHONE, EMAIL])
    for digest in digests:
        message = email.message_from_bytes(digest.read_bytes(), policy=email.policy.default)
        assert "Bcc" not in message
        for part in message.walk():
            if part.get_content_maintype() == "text":
                assert scrubber.leaks(part.get_content()) == set(), digest
    for path in exported:
        frame = pl.read_parquet(path)
        text = "\n".join(
            str(v) for c in frame.columns if frame[c].dtype == pl.String for v in frame[c] if v
        )
        assert not [n for n in needles if n.lower() in text.lower()], path
    document = (current.site / "feed" / "trials" / f"{corpus['talker']}.json").read_text()
    assert DETAILS_MASK in document  # the intervention's description, as published
    page = (current.site / "trials" / f"{corpus['talker']}.html").read_text()
    assert "A contact was added." in page
    evaluations = {e.check_name: e for e in second.get_asset_check_evaluations()}
    assert evaluations["no_contact_details_published"].passed


def test_a_control_character_keeps_feeds_readable(built, corpus: dict) -> None:
    current, _, _ = built
    feed = ET.parse(current.site / "feeds" / "trials" / f"{corpus['pasted']}.xml")
    assert feed.getroot().find("{http://www.w3.org/2005/Atom}title").text.endswith("Pastedtitle")
