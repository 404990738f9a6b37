"""`make run SOURCE=http://...`: the whole graph over HTTP, against the emulator."""

from __future__ import annotations

import copy
from pathlib import Path

from orchestration.lib.common.settings import environment
from orchestration.testing.registry_emulator import RegistryEmulator
from tests.support.pipeline import WAREHOUSE, data_dir, query, run_everything
from tests.support.records import nct


def test_the_live_path_end_to_end(tmp_path: Path, sample_records: list[dict]) -> None:
    with (
        data_dir(tmp_path) as current,
        environment({"TRIALWATCH_REGISTRY_RATE": "100"}),
        RegistryEmulator(sample_records, "2026-06-24T09:00:00") as emulator,
    ):
        emulator.queue_faults("429", "drop")
        first = run_everything(emulator.base_url, up_to=WAREHOUSE)
        assert first.success
        landing = first.asset_materializations_for_node("ctgov_landing")[0].metadata
        assert landing["pull"].value == "full" and landing["retries"].value == 2
        assert query(current, "select count(*) from main.trials") == [(909,)]

        # A day later: three trials stopped recruiting, one left the registry.
        changed = copy.deepcopy(sample_records[1:])
        for study in changed[:3]:
            status = study["protocolSection"]["statusModule"]
            status["overallStatus"] = "SUSPENDED"
            status["lastUpdatePostDateStruct"]["date"] = "2026-06-25"
        emulator.set_studies(changed, "2026-06-25T09:00:00")
        assert run_everything(emulator.base_url, pull="download", up_to=WAREHOUSE).success

        suspended = sorted(nct(s) for s in changed[:3])
        before = {
            nct(s): s["protocolSection"]["statusModule"]["overallStatus"] for s in sample_records
        }
        assert all(before[n] != "SUSPENDED" for n in suspended)
        assert query(
            current,
            "select nct_id, overall_status from main.trials where nct_id in (?, ?, ?) order by 1",
            suspended,
        ) == [(n, "SUSPENDED") for n in suspended]
        assert query(
            current,
            "select nct_id, removed_on::varchar from main.trials where is_removed",
        ) == [(nct(sample_records[0]), "2026-06-25")]
