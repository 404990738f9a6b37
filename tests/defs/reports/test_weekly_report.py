"""The weekly report the pipeline wrote over the dated dumps: its figures against an
independent reading of the dumps, its PDF rendered to images and read back by OCR,
its HTML opened offline in headless Chromium.
"""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from orchestration.lib.common.lake import Lake
from orchestration.lib.common.settings import Settings
from orchestration.lib.reports.facts import gather
from orchestration.lib.reports.output import render_html
from tests.support.browser import new_page
from tests.support.dated_dumps import (
    DAYS,
    Series,
    current,
    overall_status,
    recruiting_sites,
    trial_status_on,
    versions_of,
)

AS_OF = DAYS[-1]


def expected_headline(series: Series) -> dict[str, int]:
    since = AS_OF - timedelta(days=7)
    trials = [current(days) for days in series.values()]
    first_seen = {
        nct_id: next(d for d, r in zip(DAYS, days, strict=True) if r is not None)
        for nct_id, days in series.items()
    }
    versions = [versions_of(days) for days in series.values()]
    return {
        "trials": len(trials),
        "trials_recruiting": sum(overall_status(r) == "RECRUITING" for r in trials),
        "sites_recruiting": sum(len(recruiting_sites(r)) for r in trials),
        "trials_new": sum(since < day <= AS_OF for day in first_seen.values()),
        "trials_changed": sum(len(v) > 1 and since < v[-1][0] <= AS_OF for v in versions),
    }


@pytest.fixture(scope="module")
def report(dated_history: tuple[Series, Settings]) -> Path:
    _, built = dated_history
    return built.reports / AS_OF.isoformat()


def test_the_headline_matches_the_dumps(
    dated_history: tuple[Series, Settings], report: Path
) -> None:
    series, _ = dated_history
    headline = json.loads((report / "headline.json").read_text())
    assert headline == expected_headline(series)


def _newest_recruiting(series: Series) -> list[str]:
    recruiting = [current(days) for days in series.values()]
    recruiting = [r for r in recruiting if overall_status(r) == "RECRUITING"]
    recruiting.sort(
        key=lambda r: (
            r["protocolSection"]["statusModule"]["studyFirstPostDateStruct"]["date"],
            # ties: the lower id first, as the report orders them
            [-ord(c) for c in r["protocolSection"]["identificationModule"]["nctId"]],
        ),
        reverse=True,
    )
    return [r["protocolSection"]["identificationModule"]["nctId"] for r in recruiting[:10]]


def test_the_pdf_renders_and_reads_back(
    dated_history: tuple[Series, Settings], report: Path, tmp_path: Path
) -> None:
    series, _ = dated_history
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", str(report / "report.pdf"), str(tmp_path / "page")],
        check=True,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3  # headline, charts, tables
    first = subprocess.run(
        ["tesseract", str(pages[0]), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Recruiting trials: weekly report" in first
    assert "Up to Jul 6, 2026" in first
    headline = expected_headline(series)
    figures = first.split("Headline", 1)[1].split()
    for key in ("trials", "trials_recruiting", "sites_recruiting"):
        assert f"{headline[key]:,}" in figures, key
    # Every page carries text, and the newest recruiting trials are listed in order.
    text = subprocess.run(
        ["pdftotext", "-layout", str(report / "report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    newest = _newest_recruiting(series)
    positions = [text.find(nct_id) for nct_id in newest]
    assert -1 not in positions and positions == sorted(positions)
    assert "Data quality" in text


def test_the_html_opens_offline_with_its_charts(
    dated_history: tuple[Series, Settings], report: Path, browser: str
) -> None:
    series, _ = dated_history
    requested: list[str] = []
    with new_page(browser) as page:

        def refuse(route) -> None:  # the report must need nothing but itself
            requested.append(route.request.url)
            route.abort()

        page.route("http*://**", refuse)
        page.goto((report / "report.html").as_uri())
        charts = page.locator("figure svg.marks")
        assert charts.count() == 4
        assert all(charts.nth(i).bounding_box()["height"] > 100 for i in range(4))
        headings = page.locator("h2").all_inner_texts()
        links = page.locator("#newest ~ table a").evaluate_all("els => els.map(e => e.href)")
    assert requested == []
    assert headings[0] == "Headline" and headings[-1] == "Data quality"
    assert [link.rsplit("/", 1)[1] for link in links] == [
        f"{nct_id}.html" for nct_id in _newest_recruiting(series)
    ]


def test_a_later_report_says_what_changed_since_the_last(
    dated_history: tuple[Series, Settings],
) -> None:
    series, built = dated_history
    previous = {"trials": 900, "trials_recruiting": 1, "sites_recruiting": 1}
    facts = gather(Lake.of(built), AS_OF, (DAYS[0], previous))
    before, after = trial_status_on(series, DAYS[0]), trial_status_on(series, AS_OF)
    moved: dict[tuple[str, str], int] = {}
    for nct_id, status in before.items():
        if status != after[nct_id]:
            moved[status, after[nct_id]] = moved.get((status, after[nct_id]), 0) + 1
    assert {(t["from_status"], t["to_status"]): t["trials"] for t in facts.transitions} == moved
    html = render_html(facts, "https://trialwatch.example/")
    assert "Changes since Jul 1, 2026." in html
    assert f"{facts.headline['trials'] - 900:+,} since Jul 1, 2026" in html
