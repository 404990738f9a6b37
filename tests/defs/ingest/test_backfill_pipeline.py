"""`make run SOURCE=<url>` then `make backfill SOURCE=<url>`, over HTTP from the emulator
with faults, the backfill killed twice and resumed: every trial ends with exactly its
registry versions, and a follower who signed up before hears nothing of the past. The
expected history is read again here from what the emulator serves."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import pytest

from orchestration.cli import main
from orchestration.defs.outcome import EVERYTHING_DONE
from orchestration.lib.common.settings import environment
from orchestration.testing.change_patterns import last_posted, real_histories, study_id
from orchestration.testing.registry_emulator import RegistryEmulator
from tests.support.histories import killed
from tests.support.pipeline import data_dir, query

pytestmark = pytest.mark.long(seconds=200)
# The registry: the sample's first studies by id, each given a real trial's history.
TRIALS = 60


def _posted(record: dict) -> str:
    return last_posted(record).isoformat()


def _status(record: dict) -> str | None:
    return record["protocolSection"]["statusModule"].get("overallStatus")


def test_a_backfill_killed_twice_leaves_every_trial_its_registry_versions(
    tmp_path: Path, sample_records: list[dict]
) -> None:
    studies = sorted(sample_records, key=study_id)[:TRIALS]
    histories = real_histories(studies)
    bad = next(n for n in sorted(histories) if len(histories[n]) > 2)
    with (
        data_dir(tmp_path / "data") as current,
        environment({"DAGSTER_HOME": None, "TRIALWATCH_REGISTRY_RATE": "0"}),
        RegistryEmulator(studies, "2026-07-01T09:00:00", retry_after=0) as emulator,
    ):
        emulator.set_histories(histories)
        assert main(["run", "--source", emulator.base_url]) == EVERYTHING_DONE
        followed = next(n for n in sorted(histories) if n != bad and len(histories[n]) > 2)
        subscriptions = current.data_dir / "subscriptions"
        subscriptions.mkdir(parents=True, exist_ok=True)
        (subscriptions / "signups.csv").write_text(
            "email,nct_id,condition,created_at,unsubscribe_token\n"
            f"ana@example.org,{followed},,2026-06-01,tok-ana\n"
        )
        before = sorted(current.outbox.glob("*.eml")) if current.outbox.exists() else []

        # Slowed down so that the kills land mid-way; a trial's history is malformed.
        emulator.queue_history_faults(bad, "changed", "changed")
        emulator.queue_faults("429", "500")
        with environment({"TRIALWATCH_REGISTRY_RATE": "40"}):
            for after in (9, 14):
                killed(["backfill", "--source", emulator.base_url], after)
        assert main(["backfill", "--source", emulator.base_url]) == EVERYTHING_DONE

        versions = query(
            current,
            "select nct_id, registry_version, registry_date::varchar, is_news"
            " from main.trial_versions order by nct_id, version_number",
        )
        found = {
            nct_id: [(v, d) for _, v, d, _ in rows]
            for nct_id, rows in itertools.groupby(versions, key=lambda r: r[0])
        }
        for nct_id, history in histories.items():
            if nct_id != bad:
                assert found[nct_id] == [(n, _posted(v)) for n, v in enumerate(history)], nct_id
        assert not any(news for *_, news in versions)
        trials = {
            nct_id: rest
            for nct_id, *rest in query(
                current,
                "select nct_id, update_count, last_changed::varchar, history_complete"
                " from main.trials",
            )
        }
        for nct_id, history in histories.items():
            complete = nct_id != bad
            expected_count = len(history) - 1 if complete else trials[nct_id][0]
            assert trials[nct_id] == [expected_count, _posted(history[-1]), complete], nct_id
        # The overall status's changes, as the registry's versions made them.
        changes = query(
            current,
            "select nct_id, changed_on::varchar, old_value, new_value from main.trial_changes"
            " where field = 'overall_status'",
        )
        expected = {
            (nct_id, _posted(new), _status(old), _status(new))
            for nct_id, history in histories.items()
            if nct_id != bad
            for old, new in itertools.pairwise(history)
            if _status(old) != _status(new)
        }
        assert {c for c in changes if c[0] != bad} == expected
        assert expected, "the histories move no status"
        # Killed twice, and nothing fetched twice but what a kill cut short or a fault
        # asked again (and the bad trial's versions, read twice by design).
        fetched = Counter(p for p in emulator.requests if "/history/" in p and bad not in p)
        assert sum(fetched.values()) - len(fetched) <= 4
        assert query(
            current,
            "select count(*), count(*) filter (where status = 'succeeded')"
            " from main.load_batches where dump_source like '%(history)'",
        ) == [(1, 1)]
        assert query(
            current,
            "select count(*) from main.quarantine where source_file = ?",
            [f"history/{bad}"],
        ) == [(1,)]
        # What was filled in is history: the follower hears nothing of it.
        after = sorted(current.outbox.glob("*.eml")) if current.outbox.exists() else []
        assert after == before
