"""The privacy scan finds every planted contact detail, in any case or escape, and nothing else."""

from pathlib import Path

import pytest

from orchestration.lib.common.leak_scan import BATCH, leaked
from orchestration.lib.common.privacy import Scrubber


def test_leaked_finds_each_planted_detail(tmp_path: Path) -> None:
    details = [f"+1 412-555-{n:04d}" for n in range(2_000)] + ["Study.Desk@Example.org"]
    pages = tmp_path / "trials"
    pages.mkdir()
    (pages / "clean.html").write_text("<p>Call the study team: see the registry.</p>")
    (pages / "phone.html").write_text("<p>Phone: +1 412-555-1999</p>")
    (pages / "email.json").write_text('{"contact": "study.desk@EXAMPLE.org"}')
    (pages / "escaped.html").write_text(
        "<p>o&#39;brien&#64;example.org, (412)&nbsp;555&#8209;0100</p>"
    )
    (tmp_path / "index.html").write_text("<p>412-555 is not a whole number</p>")
    # A detail inside a longer token is another value: a trial id holds this phone's digits.
    (pages / "NCT20516366.html").write_text("<a href='NCT20516366.html'>NCT20516366</a>")
    (pages / "both.html").write_text("NCT20516366, or call 0516366.")
    details.append("0516366")
    assert leaked(tmp_path, Scrubber.of(details)) == {
        "trials/phone.html": ["phone"],
        "trials/email.json": ["email"],
        "trials/escaped.html": ["email", "phone"],
        "trials/both.html": ["phone"],
    }
    # The patterns alone find what looks like a phone or an email; a bare 7-digit number
    # is found only as a stored detail.
    assert set(leaked(tmp_path, Scrubber())) == {
        "trials/phone.html",
        "trials/email.json",
        "trials/escaped.html",
    }


@pytest.mark.parametrize("workers", [1, 2])
def test_every_file_of_a_large_site_is_scanned(tmp_path: Path, workers: int) -> None:
    """More files than one batch: each leak is found whichever process scans it."""
    count = 2 * BATCH + 37
    for n in range(count):
        folder = tmp_path / f"part-{n % 3}"
        folder.mkdir(exist_ok=True)
        body = f"trial {n}: call 555-{n:04d}" if n % 997 == 0 else f"trial {n}: no phone"
        (folder / f"{n}.html").write_text(body)
    details = [f"555-{n:04d}" for n in range(count)]
    expected = {f"part-{n % 3}/{n}.html" for n in range(0, count, 997)}
    assert set(leaked(tmp_path, Scrubber.of(details), workers=workers)) == expected
