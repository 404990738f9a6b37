"""The seed trial's three dumps, loaded one run a day with sign-ups in place, then a
plain rerun (tests/support/seed_runs.py): who hears what, and only once."""

from __future__ import annotations

import sqlalchemy as sa

from orchestration.lib.subscribers.store import transaction
from tests.support.pipeline import query
from tests.support.seed_runs import DailyRuns

SELECT_ACTIVE = "select count(*) from signups where status = 'active'"
NEW_TRIAL = (
    "A new trial for {}: Interferon Gamma-1b and Donor Leukocyte Infusion for Relapsed Acute "
    "Myeloid Leukemia or Myelodysplastic Syndrome After Allogeneic Hematopoietic Cell "
    "Transplantation"
)


def test_each_subscriber_hears_once_of_what_they_follow(seed_daily_runs: DailyRuns) -> None:
    current, first, final = seed_daily_runs.current, *seed_daily_runs.received[::3]
    assert first == {
        "ben@example.org": [NEW_TRIAL.format("Myelodysplastic Syndromes")],
        "cy@example.org": [NEW_TRIAL.format("Leukemia")],  # an ancestor of AML in MeSH
        "dan@example.org": [NEW_TRIAL.format("Acute Myeloid Leukemia")],  # as written
    }
    with transaction(current.subscribers_store) as con:
        stored = [
            (
                con.execute(sa.text(SELECT_ACTIVE)).scalar_one(),
                con.execute(sa.text("select reason from import_rejects")).scalars().all(),
                con.execute(sa.text("select count(*) from message_events")).scalar_one(),
            )
        ]
    # eve signed up after the trial was first seen; fay's row is invalid; gil unsubscribed.
    assert final == {
        **first,
        "ana@example.org": ["The site in Pittsburgh, Pennsylvania started recruiting."],
    }
    outbox = current.outbox
    assert len(list(outbox.glob("*.eml"))) == 4
    assert stored == [(5, ["malformed email 'f'..."], 4)]
    for path in outbox.glob("*.eml"):
        body = path.read_text()
        for detail in (
            "206-555-0101",
            "coordinator-a@example.org",
            "site-b@example.org",
            "412-555-0121",
        ):
            assert detail not in body


def test_the_warehouse_counts_who_follows_what_and_holds_no_address(
    seed_daily_runs: DailyRuns,
) -> None:
    current = seed_daily_runs.current
    with transaction(current.subscribers_store) as con:
        signups = con.execute(sa.text("select topic, status from signups")).all()
    expected: dict[str, list[int]] = {}
    for topic, status in signups:
        counts = expected.setdefault(topic, [0, 0, 0])
        counts[["active", "pending", "unsubscribed"].index(status)] += 1
    published = query(
        current,
        "select topic, following, pending, unsubscribed, condition"
        " from main.subscriptions_by_topic",
    )
    assert {t: [f, p, u] for t, f, p, u, _ in published} == expected
    assert sum(f for _, f, *_ in published) == 5  # ana, ben, cy, dan and eve
    # A sign-up for a MeSH term names it; no address reaches the warehouse.
    assert ("term:Leukemia", "Leukemia") in {(t, c) for t, *_, c in published}
    assert not [row for row in published if "@" in str(row)]


def test_what_registrants_typed_stays_with_analysts(seed_daily_runs: DailyRuns) -> None:
    # A CSV sign-up's condition is the registrant's own words: the counts by topic are
    # exported for analysts alone, and the report names no topic fewer than 5 follow.
    current = seed_daily_runs.current
    assert (current.exports / "analysts" / "subscriptions_by_topic.parquet").exists()
    assert not (current.exports / "public" / "subscriptions_by_topic.parquet").exists()
    report = sorted(current.reports.glob("*/report.html"))[-1]  # the last load's
    section = report.read_text().split('id="audience"', 1)[1].split("</section>", 1)[0]
    assert "Most followed" not in section  # nobody's topic has 5 followers here
    assert "5 confirmed sign-ups" in section
