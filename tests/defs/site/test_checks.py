"""The privacy check counts only contact details that can reach someone."""

from orchestration.defs.site.checks import identifies


def test_identifies_reachable_details_only() -> None:
    assert identifies("a@b.org") and identifies("(412) 555-0100")
    assert not identifies("613") and not identifies("ext. 12")
