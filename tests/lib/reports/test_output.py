"""The report's HTML with hostile registry text, and how a report finds the last one."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import html5lib

from orchestration.lib.reports.facts import ReportFacts
from orchestration.lib.reports.output import previous_report, render_html

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quoted"'


def _facts(**changes) -> ReportFacts:
    values = {
        "as_of": date(2026, 7, 6),
        "since": date(2026, 6, 29),
        "headline": {
            "trials": 3,
            "trials_recruiting": 1,
            "sites_recruiting": 2,
            "trials_new": 1,
            "trials_changed": 0,
        },
        "previous_headline": None,
        "transitions": [],
        "changes_by_category": [{"category": HOSTILE, "changes": 2, "trials": 1}],
        "newest_recruiting": [
            {
                "nct_id": "NCT00000001",
                "brief_title": HOSTILE,
                "phase": "Phase 2",
                "lead_sponsor_name": HOSTILE,
                "first_posted_date": date(2026, 1, 2),
                "first_seen": date(2026, 7, 1),
                "sites_recruiting": 2,
            }
        ],
        "weekly_recruiting": [
            {"week": date(2026, 6, 29), "trials_recruiting": 1, "sites_recruiting": 2}
        ],
        "conditions_recruiting": [{"segment": HOSTILE, "trials_recruiting": 1}],
        "countries_recruiting": [{"segment": "France", "trials_recruiting": 1}],
        "yearly": [
            {"year": 2025, "trials_first_posted": 1, "trials_started": 1, "trials_completed": 0}
        ],
        "quality": {
            "quarantined": 0,
            "quarantined_new": 0,
            "status_unknown": 0,
            "stalled": 0,
            "unfinished_loads": 0,
            "issues": [],
        },
        "audience": {"following": 3, "pending": 1, "unsubscribed": 0, "topics": 2},
        "most_followed": [
            {"topic_kind": "trial", "nct_id": "NCT00000001", "name": HOSTILE, "following": 2},
            {"topic_kind": "condition", "nct_id": None, "name": HOSTILE, "following": 1},
        ],
    }
    return ReportFacts(**{**values, **changes})


def test_registry_text_stays_text() -> None:
    page = render_html(_facts(), "https://trialwatch.example/")
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    assert tree.findall(".//script") == []
    assert not any("onerror" in element.attrib for element in tree.iter())
    cells = ["".join(td.itertext()) for td in tree.iter("td")]
    assert any(HOSTILE in cell for cell in cells)  # shown, as text
    # In the chart too: the condition is a label of the SVG, not markup.
    labels = ["".join(t.itertext()) for t in tree.iter("{http://www.w3.org/2000/svg}text")]
    labels += ["".join(t.itertext()) for t in tree.iter("text")]
    assert any(label.startswith("<script>") for label in labels)


def test_the_first_report_looks_back_a_week_and_later_ones_to_the_last(tmp_path: Path) -> None:
    assert previous_report(tmp_path, date(2026, 7, 6)) is None
    for day, trials in (("2026-06-22", 1), ("2026-06-29", 2), ("2026-07-06", 3)):
        (tmp_path / day).mkdir()
        (tmp_path / day / "headline.json").write_text(json.dumps({"trials": trials}))
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "headline.json").write_text("{}")
    assert previous_report(tmp_path, date(2026, 7, 6)) == (date(2026, 6, 29), {"trials": 2})
    assert previous_report(tmp_path, date(2026, 6, 22)) is None
