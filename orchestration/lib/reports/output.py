"""Write the weekly report: one dated folder per report, HTML, PDF and its headline.

``<reports>/<as_of>/report.html`` is self-contained (styles and SVG charts inline);
``report.pdf`` is that page printed by headless Chromium, so both read the same;
``headline.json`` keeps the figures the next report compares with. A rerun for the
same date replaces its own folder and leaves the others alone.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from markupsafe import Markup

from orchestration.lib.common.labels import day_label
from orchestration.lib.common.safe_names import inside
from orchestration.lib.common.templates import environment
from orchestration.lib.reports import charts
from orchestration.lib.reports.facts import ReportFacts

HEADLINE_LABELS = (
    ("trials", "trials in the registry"),
    ("trials_recruiting", "trials recruiting"),
    ("sites_recruiting", "trial sites recruiting"),
    ("trials_new", "trials new to the warehouse"),
    ("trials_changed", "trials updated"),
)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PRINT_TIMEOUT_S = 120


@dataclass(frozen=True)
class ReportFiles:
    folder: Path
    html: Path
    pdf: Path | None  # None when no browser was found to print it


def previous_report(reports: Path, as_of: date) -> tuple[date, dict[str, int]] | None:
    """The latest report dated before ``as_of``, with its headline figures."""
    earlier = []
    for headline in reports.glob("*/headline.json"):
        try:
            day = date.fromisoformat(headline.parent.name)
        except ValueError:
            continue  # not a report folder
        if day < as_of:
            earlier.append((day, headline))
    if not earlier:
        return None
    day, headline = max(earlier)
    return day, json.loads(headline.read_text(encoding="utf-8"))


def render_html(facts: ReportFacts, site_url: str) -> str:
    figures = {
        "weekly": charts.recruiting_over_time(facts.weekly_recruiting),
        "conditions": charts.recruiting_by_segment(
            facts.conditions_recruiting, "Trials recruiting, by condition"
        ),
        "countries": charts.recruiting_by_segment(
            facts.countries_recruiting, "Trials recruiting, by country"
        ),
        "long_run": charts.long_run(facts.yearly),
    }
    return (
        environment("report")
        .get_template("report.html.j2")
        .render(
            facts=facts,
            site_url=site_url,
            headline_labels=HEADLINE_LABELS,
            # vl-convert's SVG is markup we generate; the registry text in it is escaped.
            charts={name: Markup(charts.to_svg(chart)) for name, chart in figures.items()},
            day=day_label,
            number=lambda n: f"{n:,}",
            delta=lambda n: f"{n:+,}" if n else "no change",
        )
    )


def find_chromium(configured: Path | None = None) -> str | None:
    """``configured`` (``TRIALWATCH_CHROMIUM``), else the first Chromium or Chrome on the PATH."""
    if configured:
        return str(configured)
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def print_pdf(html: Path, pdf: Path, chromium: str) -> None:
    """Print a page to PDF with headless Chromium, offline and with a throwaway profile."""
    with tempfile.TemporaryDirectory(prefix="trialwatch-chromium-") as profile:
        result = subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                html.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=PRINT_TIMEOUT_S,
            check=False,
        )
    if result.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        raise RuntimeError(
            f"{chromium} could not print {html} to PDF (exit {result.returncode}): "
            f"{result.stderr.strip()[-2000:]}"
        )


def write_report(
    facts: ReportFacts, reports: Path, site_url: str, chromium: str | None
) -> ReportFiles:
    folder = inside(reports, facts.as_of.isoformat())
    work = reports / f".{facts.as_of.isoformat()}.writing"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    html = work / "report.html"
    html.write_text(render_html(facts, site_url), encoding="utf-8")
    if chromium:
        print_pdf(html, work / "report.pdf", chromium)
    (work / "headline.json").write_text(json.dumps(facts.headline, indent=2), encoding="utf-8")
    # The folder appears whole: a reader never sees a report without its PDF, and the
    # old one is set aside, not deleted, until the new one is in its place.
    replaced = reports / f".{facts.as_of.isoformat()}.replaced"
    shutil.rmtree(replaced, ignore_errors=True)
    if folder.exists():
        folder.rename(replaced)
    work.rename(folder)
    shutil.rmtree(replaced, ignore_errors=True)
    return ReportFiles(
        folder=folder,
        html=folder / "report.html",
        pdf=folder / "report.pdf" if chromium else None,
    )
