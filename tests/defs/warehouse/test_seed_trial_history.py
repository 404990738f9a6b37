"""The golden case: three dated dumps of NCT06529731 give exactly the facts expected.json lists."""

from __future__ import annotations

import json

import pytest

from orchestration.lib.common.settings import REPO_ROOT, Settings
from tests.support.pipeline import data_dir, query

SEED = REPO_ROOT / "data" / "seed-trial"
EXPECTED = json.loads((SEED / "expected.json").read_text())


def _facts(current: Settings) -> dict:
    nct_id = EXPECTED["nct_id"]
    (trial,) = query(
        current,
        """
        select first_seen::varchar, last_changed::varchar, update_count, overall_status,
            phase, enrollment_count
        from main.trials where nct_id = ?
        """,
        [nct_id],
    )
    sites = query(
        current,
        """
        select facility, city, state, zip, country, site_status
        from main.trial_sites where nct_id = ? order by facility
        """,
        [nct_id],
    )
    conditions = query(
        current,
        "select condition_name from main.trial_conditions where nct_id = ? order by ordinal",
        [nct_id],
    )
    site_changes = query(
        current,
        """
        select sites.facility, changes.old_value, changes.new_value, changes.changed_on::varchar
        from main.trial_changes as changes join main.sites using (site_id)
        where changes.nct_id = ? and changes.field = 'site_status'
        """,
        [nct_id],
    )
    versions = query(
        current,
        "select valid_from::varchar from main.trial_versions where nct_id = ? order by 1",
        [nct_id],
    )
    return {
        "first_seen": trial[0],
        "last_updated": trial[1],
        "update_count": trial[2],
        "overall_status": trial[3],
        "phase": trial[4],
        "enrollment": trial[5],
        "sites": [
            dict(zip(["facility", "city", "state", "zip", "country", "status"], s, strict=True))
            for s in sites
        ],
        "conditions_as_listed": [c for (c,) in conditions],
        "site_status_changes": [
            dict(zip(["facility", "from", "to", "seen"], c, strict=True)) for c in site_changes
        ],
        "versions": [v for (v,) in versions],
    }


def _expected() -> dict:
    keys = [
        "first_seen",
        "last_updated",
        "update_count",
        "overall_status",
        "phase",
        "enrollment",
        "sites",
        "conditions_as_listed",
        "site_status_changes",
    ]
    return {
        **{key: EXPECTED[key] for key in keys},
        "sites": sorted(EXPECTED["sites"], key=lambda s: s["facility"]),
        # The third dump differs only by its daily stamp: not a change.
        "versions": ["2026-06-24", "2026-06-27"],
    }


# What was recruiting in Pittsburgh on a day, as README shows it.
RECRUITING_IN_PITTSBURGH_ON = """
    select count(*) from main.recruiting_status
    where nct_id = 'NCT06529731' and level = 'site' and city = 'Pittsburgh'
        and status = 'RECRUITING'
        and valid_from <= ?::date and (valid_to > ?::date or valid_to is null)
"""


@pytest.mark.graph  # the session build it reads is chosen by its parameter
@pytest.mark.parametrize("order", ["one run a day", "out of order"])
def test_seed_dumps_give_the_expected_history(order: str, request: pytest.FixtureRequest) -> None:
    if order == "one run a day":  # 24, 27 and 28 June, each loaded and published in turn
        folder = request.getfixturevalue("seed_daily_runs").current.data_dir
    else:  # the 28th and the 24th landed, then a run of the 27th
        folder = request.getfixturevalue("seed_out_of_order").data_dir
    with data_dir(folder) as current:
        assert _facts(current) == _expected()
        # The site's change is the only change, told in a sentence a patient can read.
        assert query(current, "select field, sentence from main.trial_changes") == [
            ("site_status", "The site in Pittsburgh, Pennsylvania started recruiting.")
        ]
        for day, recruiting in [("2026-06-24", 0), ("2026-06-26", 0), ("2026-06-27", 1)]:
            assert query(current, RECRUITING_IN_PITTSBURGH_ON, [day, day]) == [(recruiting,)], day
