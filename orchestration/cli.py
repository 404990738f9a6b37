"""Command line: `python -m orchestration run [--source DUMP|URL] [--as-of DATE] [--pull KIND]`,
`python -m orchestration backfill [--source URL] [--minutes N] [--first NCT,...]`,
`python -m orchestration rebuild`, `python -m orchestration person export|erase EMAIL`
and `python -m orchestration lake-init`.

`run` runs the `everything` job in-process (the same definitions the Dagster UI loads,
and recorded in $DAGSTER_HOME when set, so `make dev` shows the run); `rebuild` runs the
`rebuild` job (every model rebuilt whole from the landing, published where it differs).
Either then says where the warehouse is and what it holds. `person` answers a
person's request about their address: a copy of everything stored about it (JSON), or
its erasure (lib/subscribers/rights.py). `lake-init` writes the statements that open the
lake read-only and prints where (`make sql`, `make dashboard`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from contextlib import redirect_stdout
from datetime import UTC, date, datetime

import dagster as dg
from dagster._core.utils import make_new_run_id

from orchestration.defs.outcome import WAREHOUSE, RunOutcome
from orchestration.defs.run_log import log_path, watching
from orchestration.defs.run_records import command_line_tags, fail_dead_runs, run_in_progress
from orchestration.lib.common.lake import NoLakeYet, write_init_file
from orchestration.lib.common.run_lock import RunInProgress, pipeline_lock
from orchestration.lib.common.settings import SAMPLE_DUMP, Settings, SettingsError, settings
from orchestration.lib.ingest.backfill import KIND as HISTORY
from orchestration.lib.ingest.registry_pull import KINDS
from orchestration.lib.subscribers.links import link_secret
from orchestration.lib.subscribers.rights import erase_person, export_person
from orchestration.lib.subscribers.store import now, settle, transaction


def run(source: str, as_of: str | None, pull: str = "auto") -> int:
    if as_of:
        date.fromisoformat(as_of)  # fail before any work on a malformed date
    config = {"source": source, "as_of": as_of, "pull": pull}
    return execute("everything", {"ctgov_landing": {"config": config}})


def backfill(source: str, minutes: float | None, first: list[str]) -> int:
    """Fill in every landed trial's history from a registry (for at most ``minutes``,
    the trials ``first`` before any other), then build and publish like `run`."""
    config = {"source": source, "pull": HISTORY, "minutes": minutes, "first": first}
    return execute("everything", {"ctgov_landing": {"config": config}})


def rebuild() -> int:
    if not settings().landing.exists():
        print("Nothing to rebuild: no landing yet (make run first).", file=sys.stderr)
        return 1
    return execute("rebuild", {})


def execute(job: str, ops: dict) -> int:
    """Run a job in-process under the pipeline's lock, a line per step on the console and
    everything else in the run's log file; say what it published and what failed. The
    exit code is the outcome's (defs/outcome.py), 3 when not started."""
    from orchestration.definitions import defs

    current = settings()
    run_id = make_new_run_id()
    log = log_path(current.logs, run_id, datetime.now(UTC))
    # Dagster's console shows warnings and worse (TRIALWATCH_LOG); every event is in the
    # log file and in the run's record (`make dev` shows it).
    run_config = {
        "ops": ops,
        "loggers": {
            "console": {"config": {"log_level": current.log}},
            "run_log": {"config": {"path": str(log)}},
        },
    }
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else None
    try:
        with pipeline_lock(current.data_dir):
            if instance is not None:
                for dead in fail_dead_runs(instance, current.data_dir):
                    print(
                        f"Run {dead.run_id} ({dead.job_name}) had been killed: recorded as failed."
                    )
                refuse_if_dagster_is_running(instance)
            print(f"Run {run_id} ({job}) in {current.data_dir}")
            log.parent.mkdir(parents=True, exist_ok=True)
            # What the steps print (dbt's output, through dagster-dbt) goes to the log too.
            with (
                watching(sys.stdout),
                log.open("a", encoding="utf-8") as printed,
                redirect_stdout(printed),
            ):
                result = defs.resolve_job_def(job).execute_in_process(
                    run_config=run_config,
                    instance=instance,
                    raise_on_error=False,
                    run_id=run_id,
                    tags=command_line_tags(current.data_dir),
                )
    except RunInProgress as busy:
        print(f"Not started: {busy}", file=sys.stderr)
        return 3
    outcome = RunOutcome.of(result.all_events)
    if outcome.published:
        lines, counts = summary(current, outcome)
        print("\n".join(lines))
        with log.open("a", encoding="utf-8") as printed:
            printed.write(tables_text(counts))
    code = outcome.exit_code()
    for line in outcome.lines():
        print(line, file=sys.stderr if code else sys.stdout)
    print(f"Full log: {log}")
    return code


def person(action: str, email: str) -> int:
    current = settings()
    with transaction(current.subscribers_store) as con:
        if action == "export":
            print(json.dumps(export_person(con, email), indent=2, ensure_ascii=False))
            return 0
        erased = erase_person(con, email, link_secret(current), now())
    settle(current.subscribers_store)
    print(
        f"Erased: {erased['addresses']} address, {erased['signups']} sign-ups; the address"
        f" and text of {erased['messages']} messages (the ledger keeps their hashes)."
    )
    return 0


def refuse_if_dagster_is_running(instance: dg.DagsterInstance | None) -> None:
    """A run of the same instance (a schedule's, the sensor's) uses the same data."""
    busy = run_in_progress(instance) if instance else None
    if busy:
        raise RunInProgress(f"Dagster run {busy.run_id} ({busy.job_name}) is in progress")


def summary(current: Settings, outcome: RunOutcome) -> tuple[list[str], dict[str, int]]:
    """A few lines on what the run did and where things are; the row counts of every
    table (for the log file), as the publish counted them."""
    published = outcome.facts[WAREHOUSE]
    counts = {
        name.removeprefix("rows."): count
        for name, count in published.items()
        if name.startswith("rows.")
    }
    snapshot = published["snapshot_id"]
    lines = []
    if load := outcome.facts.get("ctgov/raw_studies"):
        lines.append(
            f"Landed: {_many(load['records_read'], 'record')} read,"
            f" {_many(load['versions_new'], 'new version')},"
            f" {load['quarantined']:,} quarantined"
        )
    lines.append(
        f"Warehouse: {_many(counts['trials'], 'trial')},"
        f" {_many(counts['trial_versions'], 'version')},"
        f" {_many(counts['trial_changes'], 'change')}; published as snapshot {snapshot}"
        f" of the lake {published['path']} (make sql)"
    )
    if pages := outcome.facts.get("site_pages"):
        lines.append(
            f"Site: {_many(pages['files_written'], 'file')} written,"
            f" {pages['files_removed']:,} removed; live in {current.site} (make site)"
        )
    if alerts := outcome.facts.get("alert_digests"):
        lines.append(
            f"Alerts: {_many(alerts['digests_sent'], 'digest')} sent ({alerts['transport']}),"
            f" {alerts['digests_refused']:,} refused"
        )
    lines.append(f"Exports: {current.exports}; weekly reports: {current.reports}")
    return lines, counts


def _many(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def tables_text(counts: dict[str, int]) -> str:
    width = max(map(len, counts))
    rows = [f"  {table:<{width}}  {count:>9,}" for table, count in counts.items()]
    return "Tables in schema main:\n" + "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration")
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="land a dump, build and publish the warehouse")
    run_parser.add_argument(
        "--source",
        default=str(SAMPLE_DUMP),
        help="a dump file or folder, an API URL, or 'registry' (TRIALWATCH_REGISTRY_URL)",
    )
    run_parser.add_argument("--as-of", default=None, help="the dump's date, YYYY-MM-DD")
    run_parser.add_argument(
        "--pull", default="auto", choices=KINDS, help="for a registry: which kind of pull"
    )
    backfill_parser = commands.add_parser(
        "backfill", help="fill in every landed trial's history from a registry, then build"
    )
    backfill_parser.add_argument(
        "--source", default="registry", help="an API URL, or 'registry' (TRIALWATCH_REGISTRY_URL)"
    )
    backfill_parser.add_argument(
        "--minutes", type=float, default=None, help="stop after this many minutes (a slice)"
    )
    backfill_parser.add_argument(
        "--first", default="", help="trials to fill in before any other: NCT ids, comma-separated"
    )
    commands.add_parser(
        "rebuild", help="rebuild every model from the landing, publish what differs"
    )
    person_parser = commands.add_parser(
        "person", help="a copy of everything stored about an address, or its erasure"
    )
    person_parser.add_argument("action", choices=["export", "erase"])
    person_parser.add_argument("email")
    commands.add_parser("lake-init", help="write the DuckDB shell's file that opens the lake")
    args = parser.parse_args(argv)
    try:
        settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    if args.command == "rebuild":
        return rebuild()
    if args.command == "backfill":
        return backfill(args.source, args.minutes, [n for n in args.first.split(",") if n])
    if args.command == "person":
        return person(args.action, args.email)
    if args.command == "lake-init":
        try:
            print(write_init_file(settings()))
        except NoLakeYet as error:
            print(error, file=sys.stderr)
            return 1
        return 0
    return run(args.source or str(SAMPLE_DUMP), args.as_of or None, args.pull)


if __name__ == "__main__":
    sys.exit(main())
