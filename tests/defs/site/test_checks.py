"""The privacy check finds every planted contact detail, in any case, and nothing else."""

from pathlib import Path

from orchestration.defs.site.checks import identifies, leaked


def test_leaked_finds_each_planted_detail(tmp_path: Path) -> None:
    details = [f"+1 412-555-{n:04d}" for n in range(2_000)] + ["Study.Desk@Example.org"]
    pages = tmp_path / "trials"
    pages.mkdir()
    (pages / "clean.html").write_text("<p>Call the study team: see the registry.</p>")
    (pages / "phone.html").write_text("<p>Phone: +1 412-555-1999</p>")
    (pages / "email.json").write_text('{"contact": "study.desk@EXAMPLE.org"}')
    (tmp_path / "index.html").write_text("<p>412-555 is not a whole number</p>")
    # A detail inside a longer token is another value: a trial id holds this phone's digits.
    (pages / "NCT20516366.html").write_text("<a href='NCT20516366.html'>NCT20516366</a>")
    (pages / "both.html").write_text("NCT20516366, or call 0516366.")
    details.append("0516366")
    assert leaked(tmp_path, details) == {
        "trials/phone.html",
        "trials/email.json",
        "trials/both.html",
    }
    assert leaked(tmp_path, []) == set()


def test_identifies_reachable_details_only() -> None:
    assert identifies("a@b.org") and identifies("(412) 555-0100")
    assert not identifies("613") and not identifies("ext. 12")
