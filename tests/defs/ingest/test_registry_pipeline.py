"""`make run SOURCE=http://...`: the whole graph over HTTP, against the emulator."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from orchestration.lib.common.settings import environment
from orchestration.testing.registry_emulator import RegistryEmulator
from tests.support.pipeline import WAREHOUSE, data_dir, query, run_everything
from tests.support.rebuild import disagreements
from tests.support.records import nct

# About 120 s of a worker's time on CI.
pytestmark = pytest.mark.long(seconds=120)
# The registry: the sample's first studies. What the live path does (faults and retries,
# the three kinds of pull, a removal, fetching only what changed) does not depend on how
# many it serves, and every sample study goes through the same landing from the bundled
# file in the session's sample_warehouse.
REGISTRY = 150


def test_the_live_path_end_to_end(tmp_path: Path, sample_records: list[dict]) -> None:
    registry = sample_records[:REGISTRY]
    with (
        data_dir(tmp_path) as current,
        environment({"TRIALWATCH_REGISTRY_RATE": "100"}),
        RegistryEmulator(registry, "2026-06-24T09:00:00") as emulator,
    ):
        emulator.queue_faults("429", "drop")
        first = run_everything(emulator.base_url, up_to=WAREHOUSE)
        assert first.success
        landing = first.asset_materializations_for_node("ctgov_landing")[0].metadata
        assert landing["pull"].value == "full" and landing["retries"].value == 2
        assert query(current, "select count(*) from main.trials") == [(REGISTRY,)]

        # A day later: three trials stopped recruiting, one left the registry.
        changed = copy.deepcopy(registry[1:])
        for study in changed[:3]:
            status = study["protocolSection"]["statusModule"]
            status["overallStatus"] = "SUSPENDED"
            status["lastUpdatePostDateStruct"]["date"] = "2026-06-25"
        emulator.set_studies(changed, "2026-06-25T09:00:00")
        assert run_everything(emulator.base_url, pull="download", up_to=WAREHOUSE).success

        suspended = sorted(nct(s) for s in changed[:3])
        before = {nct(s): s["protocolSection"]["statusModule"]["overallStatus"] for s in registry}
        assert all(before[n] != "SUSPENDED" for n in suspended)
        assert query(
            current,
            "select nct_id, overall_status from main.trials where nct_id in (?, ?, ?) order by 1",
            suspended,
        ) == [(n, "SUSPENDED") for n in suspended]
        assert query(
            current,
            "select nct_id, removed_on::varchar from main.trials where is_removed",
        ) == [(nct(registry[0]), "2026-06-25")]

        # The next day's incremental pull fetches what changed: a trial stopped listing
        # its first site. Only what the pull fetched is rebuilt and published.
        study = next(s for s in changed[3:] if len(_locations(s)) >= 2)
        dropped = _locations(study).pop(0)
        study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2026-06-26"
        emulator.set_studies(changed, "2026-06-26T09:00:00")
        assert run_everything(emulator.base_url, up_to=WAREHOUSE).success
        fetched = {n for (n,) in query(current, FETCHED, ["2026-06-26"])}
        assert nct(study) in fetched and len(fetched) < len(changed) / 10
        last, before = query(
            current, "select max(snapshot_id), max(snapshot_id) - 1 from main.runs"
        )[0]
        for table in ("trials", "trial_sites", "trial_versions", "recruiting_status"):
            touched = query(
                current, f"select distinct nct_id from table_changes('{table}', ?, ?)", [last, last]
            )
            assert {n for (n,) in touched} <= fetched, table
        assert query(
            current,
            "select count(*) from main.trial_sites where nct_id = ?"
            " and facility is not distinct from ?",
            [nct(study), dropped.get("facility")],
        ) == [(0,)]
        # In order, a removal, a day's pull: a full rebuild of the landing agrees.
        assert disagreements(current, tmp_path / "rebuilt") == {}


FETCHED = "select nct_id from main.trial_versions where last_observed_on = ?"


def _locations(study: dict) -> list[dict]:
    return study["protocolSection"].get("contactsLocationsModule", {}).get("locations", [])
