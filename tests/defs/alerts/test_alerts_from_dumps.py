"""The seed trial's three dumps, loaded one run at a time, with sign-ups: who hears what."""

from __future__ import annotations

import email
from collections import defaultdict
from pathlib import Path

from orchestration.lib.common.settings import REPO_ROOT
from tests.support.pipeline import data_dir, query, run_everything

# The digests and what they need (the warehouse, the site); not the reports.
ALERTS = "alert_digests"

SEED = REPO_ROOT / "data" / "seed-trial"
SIGNUPS = """email,nct_id,condition,created_at,unsubscribe_token
ana@example.org,NCT06529731,,2026-06-01T09:00:00Z,ta
ben@example.org,,Myelodysplastic Syndromes,2026-06-01,tb
cy@example.org,,Leukemia,2026-06-01,tc
dan@example.org,,Acute Myeloid Leukemia,2026-06-01,td
eve@example.org,,Myelodysplastic Syndromes,2026-06-25,te
fay@example,NCT06529731,,2026-06-01,tf
gil@example.org,NCT06529731,,2026-06-01,tg
"""
UNSUBSCRIBES = "unsubscribe_token,unsubscribed_at\ntg,2026-06-02\n"
NEW_TRIAL = (
    "A new trial for {}: Interferon Gamma-1b and Donor Leukocyte Infusion for Relapsed Acute "
    "Myeloid Leukemia or Myelodysplastic Syndrome After Allogeneic Hematopoietic Cell "
    "Transplantation"
)


def _received(outbox: Path) -> dict[str, list[str]]:
    """Each recipient's items, over every message in the outbox."""
    items: dict[str, list[str]] = defaultdict(list)
    for path in sorted(outbox.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes())
        text = next(p for p in message.walk() if p.get_content_type() == "text/plain")
        for line in text.get_payload(decode=True).decode().splitlines():
            if line.startswith("- "):
                items[message["To"]].append(line.split(": ", 1)[1])
    return dict(items)


def test_each_subscriber_hears_once_of_what_they_follow(tmp_path: Path) -> None:
    with data_dir(tmp_path) as current:
        (current.data_dir / "subscriptions").mkdir()
        (current.data_dir / "subscriptions" / "signups.csv").write_text(SIGNUPS)
        (current.data_dir / "subscriptions" / "unsubscribes.csv").write_text(UNSUBSCRIBES)
        outbox = current.data_dir / "outbox"
        assert run_everything(SEED / "NCT06529731.2026-06-24.json", up_to=ALERTS).success
        first = _received(outbox)
        assert first == {
            "ben@example.org": [NEW_TRIAL.format("Myelodysplastic Syndromes")],
            "cy@example.org": [NEW_TRIAL.format("Leukemia")],  # an ancestor of AML in MeSH
            "dan@example.org": [
                NEW_TRIAL.format("Acute Myeloid Leukemia")
            ],  # as the registrant wrote it
        }
        assert run_everything(SEED / "NCT06529731.2026-06-27.json", up_to=ALERTS).success
        assert run_everything(SEED / "NCT06529731.2026-06-28.json", up_to=ALERTS).success
        assert run_everything(
            SEED / "NCT06529731.2026-06-28.json", up_to=ALERTS
        ).success  # a plain rerun
        final = _received(outbox)
        stored = query(
            current.data_dir / "alerts.duckdb",
            "select (select count(*) from subscriptions where is_active),"
            " (select list(reason) from subscription_rejects),"
            " (select count(*) from message_events)",
        )
    # eve signed up after the trial was first seen; fay's row is invalid; gil unsubscribed.
    assert final == {
        **first,
        "ana@example.org": ["The site in Pittsburgh, Pennsylvania started recruiting."],
    }
    assert len(list(outbox.glob("*.eml"))) == 4
    assert stored == [(5, ["malformed email 'fay@example'"], 4)]
    for path in outbox.glob("*.eml"):
        body = path.read_text()
        for detail in (
            "206-555-0101",
            "coordinator-a@example.org",
            "site-b@example.org",
            "412-555-0121",
        ):
            assert detail not in body
