"""Every notebook runs headless over the sample warehouse and shows what the sample
holds (counted here from the raw records); `make dashboard` serves the trends
dashboard and a browser finds its charts, with nothing fetched from outside.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from orchestration.lib.common.settings import REPO_ROOT, Settings
from tests.support.browser import new_page
from tests.support.dated_dumps import overall_status, recruiting_sites
from tests.support.pipeline import data_dir, query

NOTEBOOKS = REPO_ROOT / "notebooks"


def run_notebook(name: str, warehouse_dir: Path) -> dict[str, Any]:
    """Run every cell of a notebook, as `python notebooks/<name>.py` does; its definitions."""
    spec = importlib.util.spec_from_file_location(f"notebook_{name}", NOTEBOOKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with data_dir(warehouse_dir):
        _, definitions = module.app.run()
    return dict(definitions)


def test_every_notebook_is_tested() -> None:
    tested = {"trends", "explorer", "quality"}
    assert {path.stem for path in NOTEBOOKS.glob("*.py")} == tested


def test_trends_shows_what_recruits_now(
    sample_warehouse: Settings, sample_records: list[dict]
) -> None:
    found = run_notebook("trends", sample_warehouse.data_dir)
    last_day = found["daily"].row(-1, named=True)
    recruiting = [r for r in sample_records if overall_status(r) == "RECRUITING"]
    assert last_day["trials_recruiting"] == len(recruiting)
    assert last_day["sites_recruiting"] == sum(len(recruiting_sites(r)) for r in sample_records)
    assert found["recruiting"].height == len(recruiting)
    posted = [
        r["protocolSection"]["statusModule"]["studyFirstPostDateStruct"]["date"]
        for r in sample_records
    ]
    yearly = found["yearly"]
    assert yearly["first_posted"].sum() == sum(p >= "2000" for p in posted)


def test_explorer_shows_a_trial_with_its_sites(
    sample_warehouse: Settings, sample_records: list[dict]
) -> None:
    found = run_notebook("explorer", sample_warehouse.data_dir)
    assert found["trials"].height == min(500, len(sample_records))
    record = next(
        r
        for r in sample_records
        if r["protocolSection"]["identificationModule"]["nctId"] == found["nct_id"]
    )
    listed = {
        tuple(site.get(k) for k in ("facility", "city", "state", "country"))
        for site in record["protocolSection"]
        .get("contactsLocationsModule", {})
        .get("locations", [])
        if site.get("status")
    }
    assert found["versions"].height == 1  # the sample is one load
    assert found["trial_sites"].height == len(listed)
    (sites,) = query(sample_warehouse, "select count(*) from main.sites")[0]
    assert found["sites"].height == min(500, sites)


def test_quality_counts_stale_statuses(
    sample_warehouse: Settings, sample_records: list[dict]
) -> None:
    found = run_notebook("quality", sample_warehouse.data_dir)
    assert found["stale"]["unknown_status"].sum() == sum(
        overall_status(r) == "UNKNOWN" for r in sample_records
    )
    assert found["stale"]["trials"].sum() == len(sample_records)
    # Other tests may have loaded the sample into this warehouse again: each load is listed.
    batches = found["batches"]
    assert set(batches["status"]) == {"succeeded"}
    assert set(batches["records_read"]) == {len(sample_records)}
    assert found["quarantined"].height == 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def dashboard(sample_warehouse: Settings) -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        ["make", "--no-print-directory", "dashboard", f"DASHBOARD_PORT={port}"],
        cwd=REPO_ROOT,
        env={**os.environ, "TRIALWATCH_DATA_DIR": str(sample_warehouse.data_dir)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # make, marimo and its kernel stop together
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert server.poll() is None, server.stdout.read().decode()
            time.sleep(0.5)
        else:
            pytest.fail("the dashboard did not start within 60 s")
        yield f"http://127.0.0.1:{port}/"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_make_dashboard_serves_the_charts(
    dashboard: str, sample_records: list[dict], browser: str
) -> None:
    outside: list[str] = []
    with new_page(browser, viewport={"width": 1280, "height": 900}) as page:
        page.on(
            "request",
            lambda request: (
                outside.append(request.url)
                if not request.url.startswith(
                    ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")
                )
                else None
            ),
        )
        page.goto(dashboard)
        # marimo draws its outputs in shadow roots, which locators (not querySelector) pierce.
        charts = page.locator(".vega-embed canvas, .vega-embed svg.marks")
        charts.nth(1).wait_for(timeout=90_000)
        drawn = charts.count()
        text = page.inner_text("body")
    assert drawn >= 2
    assert "Recruiting trends" in text
    recruiting = sum(overall_status(r) == "RECRUITING" for r in sample_records)
    assert f"Recruiting now: {recruiting} trials" in text
    assert outside == []
