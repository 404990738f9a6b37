"""The golden page: the seed trial's three dumps, landed out of order (the session's
``seed_out_of_order``), opened in headless Chromium."""

from __future__ import annotations

import json
import struct
from datetime import date
from pathlib import Path

import pytest

from orchestration.lib.common.settings import REPO_ROOT, Settings
from tests.support.browser import new_page

SEED = REPO_ROOT / "data" / "seed-trial"
EXPECTED = json.loads((SEED / "expected.json").read_text())


@pytest.fixture(scope="module")
def rendered(
    seed_out_of_order: Settings, browser: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    """The page's visible text, and a full-page screenshot at a phone's width."""
    page_file = seed_out_of_order.site / "trials" / f"{EXPECTED['nct_id']}.html"
    shot = tmp_path_factory.mktemp("screens") / "seed.png"
    with new_page(browser, viewport={"width": 390, "height": 844}) as page:
        page.goto(page_file.as_uri())
        text = page.inner_text("body")
        page.screenshot(path=str(shot), full_page=True)
    return text, shot


def test_the_page_shows_every_expected_fact(rendered: tuple[str, Path]) -> None:
    text, _ = rendered
    assert EXPECTED["nct_id"] in text
    assert EXPECTED["header_line"] in text
    assert "Status: Recruiting" in text and EXPECTED["phase"] in text
    assert f"{EXPECTED['enrollment']} participants" in text
    for condition in EXPECTED["conditions_as_listed"]:
        assert condition in text
    for site in EXPECTED["sites"]:
        assert site["facility"] in text
        address = ", ".join([site["city"], site["state"], site["zip"], site["country"]])
        assert address in text
    assert text.count("Recruiting status: Recruiting") == len(EXPECTED["sites"])
    (change,) = EXPECTED["site_status_changes"]
    assert f"{change['seen']}: The site in Pittsburgh, Pennsylvania started recruiting." in text
    # Its history in plain words: the month a site started recruiting.
    month = date.fromisoformat(change["seen"]).strftime("%b %Y")
    assert f"Its history\n{month}: 1 site opened" in text
    assert "not medical advice" in text


def test_no_contact_detail_reaches_the_page_or_the_site(
    rendered: tuple[str, Path], seed_out_of_order: Settings
) -> None:
    text, _ = rendered
    for detail in EXPECTED["published_page_must_not_contain"]:
        assert detail not in text
        for path in seed_out_of_order.site.rglob("*"):
            if path.is_file():
                assert detail not in path.read_text(errors="ignore"), (detail, path)
    assert "Contact details are on the registry record" in text


def test_the_screenshot_is_a_whole_phone_page(rendered: tuple[str, Path]) -> None:
    _, shot = rendered
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    # At a phone's width the page is one column, several screens long.
    assert width == 390 and height > 3 * 844
    assert len(data) > 50_000  # text was drawn, not a blank page
