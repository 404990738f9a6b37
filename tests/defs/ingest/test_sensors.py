"""The inbox sensor, with Dagster's own test helpers."""

from __future__ import annotations

import os
import time
from pathlib import Path

import dagster as dg
from dagster._core.test_utils import create_run_for_test

from orchestration.defs.ingest.sensors import INBOX_SETTLE_SECONDS, inbox_sensor
from tests.support.pipeline import data_dir

STARTED = dg.DagsterRunStatus.STARTED


def _age(path: Path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_inbox_sensor_loads_settled_dumps_once(tmp_path: Path) -> None:
    with data_dir(tmp_path):
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        settled = inbox / "ctg-studies.json.zip"
        settled.write_bytes(b"PK")
        _age(settled, INBOX_SETTLE_SECONDS + 5)
        (inbox / "copying.jsonl").write_text("{}")  # still being written
        (inbox / "partial.zip.part").write_bytes(b"")
        (inbox / ".hidden.json").write_text("{}")
        with dg.instance_for_test() as instance:
            context = dg.build_sensor_context(instance=instance)
            requests = inbox_sensor(context)
        assert [r.run_key for r in requests] == [
            f"ctg-studies.json.zip:{int(settled.stat().st_mtime)}:2"
        ]
        config = requests[0].run_config["ops"]["ctgov_landing"]["config"]
        assert config == {"source": str(settled)}


def test_inbox_sensor_skips_without_an_inbox(tmp_path: Path) -> None:
    with data_dir(tmp_path), dg.instance_for_test() as instance:
        result = inbox_sensor(dg.build_sensor_context(instance=instance))
    assert isinstance(result, dg.SkipReason)


def test_a_dump_seen_during_a_run_is_loaded_after_it(tmp_path: Path) -> None:
    with data_dir(tmp_path), dg.instance_for_test() as instance:
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        dump = inbox / "studies.jsonl"
        dump.write_text("{}")
        _age(dump, INBOX_SETTLE_SECONDS + 5)
        going = create_run_for_test(instance, job_name="everything", status=STARTED)
        waiting = inbox_sensor(dg.build_sensor_context(instance=instance))
        assert isinstance(waiting, dg.SkipReason) and going.run_id in waiting.skip_message
        instance.report_run_canceled(going)  # the run is over
        (request,) = inbox_sensor(dg.build_sensor_context(instance=instance))
        assert request.run_config["ops"]["ctgov_landing"]["config"] == {"source": str(dump)}
