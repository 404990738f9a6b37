"""The daily operation in small: the seed trial's three dated dumps (24, 27 and 28 June),
one `make run` a day (the whole graph, through the command line) with sign-ups in place,
by trial and by condition, then a plain rerun of the last. Built once for the
session (`seed_daily_runs` in conftest) and read by the lake's, the history's and the
alerts' tests; after each run it keeps the lake's state, its trials, a moment and what
each subscriber had received."""

from __future__ import annotations

import email
import io
import json
import logging
import shutil
import sys
import time
from collections import Counter, defaultdict
from contextlib import redirect_stderr, redirect_stdout
from datetime import UTC, datetime
from logging.handlers import BufferingHandler
from pathlib import Path
from typing import NamedTuple

import duckdb
import pytest

from orchestration.cli import main
from orchestration.defs.outcome import EVERYTHING_DONE
from orchestration.defs.reports import assets as reports_assets
from orchestration.defs.warehouse.resources import UNPUBLISHED
from orchestration.lib.common.lake import open_lake
from orchestration.lib.common.settings import REPO_ROOT, Settings
from orchestration.lib.ingest.landing import land_dump
from orchestration.lib.reports.exports import STATE
from tests.support.lakes import MAIN_TABLES, counted_rows, differences
from tests.support.mail import plain_text
from tests.support.pipeline import data_dir, run_everything

SEED = REPO_ROOT / "data" / "seed-trial"
DAYS = ["2026-06-24", "2026-06-27", "2026-06-28", "2026-06-28"]  # the last, a plain rerun
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

# The digests and what they need (the warehouse, the site), for tests that need no more.
ALERTS = "alert_digests"
TRIALS = "select nct_id, overall_status, update_count from main.trials"


def lake_state(con: duckdb.DuckDBPyConnection, at: str = "") -> dict[str, Counter]:
    """Every table of ``main`` but ``runs``, as counted rows; ``at`` an ``AT (...)`` clause."""
    tables = [t for (t,) in con.execute(MAIN_TABLES).fetchall()]
    return {t: counted_rows(con, f'select * from main."{t}" {at}') for t in tables}


def received(outbox: Path) -> dict[str, list[str]]:
    """Each recipient's items, over every message in the outbox."""
    items: dict[str, list[str]] = defaultdict(list)
    for path in sorted(outbox.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes())
        for line in plain_text(message).splitlines():
            if line.startswith("- "):
                items[message["To"]].append(line.split(": ", 1)[1])
    return dict(items)


class DailyRuns(NamedTuple):
    """After each run: the lake's state, its trials (``TRIALS``), a moment, the outbox."""

    current: Settings
    states: list[dict[str, Counter]]
    trials: list[list[tuple]]
    moments: list[datetime]
    received: list[dict[str, list[str]]]


def run_daily(folder: Path) -> DailyRuns:
    """Each day's dump in its own run, checking after each that the lake equals the build."""
    with data_dir(folder) as current:
        subscriptions = current.data_dir / "subscriptions"
        subscriptions.mkdir(parents=True)
        (subscriptions / "signups.csv").write_text(SIGNUPS)
        (subscriptions / "unsubscribes.csv").write_text(UNSUBSCRIBES)
        runs = DailyRuns(current, [], [], [], [])
        for day in DAYS:
            dump = SEED / f"NCT06529731.{day}.json"
            assert main(["run", "--source", str(dump), "--as-of", day]) == EVERYTHING_DONE
            with open_lake(current) as con:
                runs.states.append(lake_state(con))
                runs.trials.append(con.execute(TRIALS).fetchall())
                assert differences(con, current.build_warehouse, UNPUBLISHED) == {}
            runs.moments.append(datetime.now(UTC))
            runs.received.append(received(current.outbox))
            time.sleep(0.05)
        return runs


def run_out_of_order(folder: Path) -> Settings:
    """The three dumps out of order, in one run: the 28th and the 24th landed first, then
    a run of the 27th through the site (not the alerts or the reports)."""
    with data_dir(folder) as current:
        land_dump(current.landing, SEED / "NCT06529731.2026-06-28.json")
        land_dump(current.landing, SEED / "NCT06529731.2026-06-24.json")
        dump = SEED / "NCT06529731.2026-06-27.json"
        assert run_everything(dump, up_to="site_published").success
        return current


# The day after the daily runs: the Seattle site closed.
NEXT_DAY = "2026-06-29"
EXPORTS_BROKEN = "No space left on device (the exports' disk, on purpose)"


class Printed(NamedTuple):
    """One `make run` as its caller saw it: exit code, stdout, stderr, and each logging
    record at WARNING or above."""

    code: int
    out: str
    err: str
    warnings: list[str]


def printed_run(args: list[str]) -> Printed:
    """``main(args)``, with what it printed and logged (WARNING or above) kept."""
    out, err = io.StringIO(), io.StringIO()
    handler = BufferingHandler(capacity=sys.maxsize)  # keeps every record it is given
    handler.setLevel(logging.WARNING)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(args)
    finally:
        root.removeHandler(handler)
    warnings = [record.getMessage() for record in handler.buffer]
    return Printed(code, out.getvalue(), err.getvalue(), warnings)


class NextDay(NamedTuple):
    """A copy of the daily runs, its malformed sign-up gone, then the Seattle site closed
    on ``NEXT_DAY``: one run with the exports failing, then the same dump again, a normal
    day. Kept after the failing run: what had been received and exported before it, what
    was received, exported and live after it."""

    current: Settings
    failing: Printed
    again: Printed
    received_before: dict[str, list[str]]
    exported_before: int
    received_after: dict[str, list[str]]
    exported_after: int
    exported_sites_after: list[tuple]
    page_after: str
    snapshot_after: int


def seattle_closed(folder: Path) -> Path:
    record = json.loads((SEED / "NCT06529731.2026-06-28.json").read_text())
    (seattle,) = [
        site
        for site in record["protocolSection"]["contactsLocationsModule"]["locations"]
        if site["city"] == "Seattle"
    ]
    seattle["status"] = "COMPLETED"
    record["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = NEXT_DAY
    dump = folder / f"NCT06529731.{NEXT_DAY}.json"
    dump.write_text(json.dumps(record))
    return dump


def exported_sites(exports: Path) -> list[tuple]:
    with duckdb.connect() as con:
        return con.execute(
            "select site_status from read_parquet(?) where city = 'Seattle'",
            [str(exports / "public" / "trial_sites.parquet")],
        ).fetchall()


def exported_snapshot(current: Settings) -> int:
    """The lake snapshot the exports hold, as they recorded it."""
    return json.loads((current.exports / STATE).read_text())["snapshot"]


def run_next_day(daily: DailyRuns, folder: Path) -> NextDay:
    shutil.copytree(daily.current.data_dir, folder / "data", symlinks=True)
    with data_dir(folder / "data") as current:
        # A normal day: the malformed sign-up, warned of whenever its file is read, is gone.
        signups = current.subscriptions / "signups.csv"
        lines = signups.read_text().splitlines(keepends=True)
        signups.write_text("".join(line for line in lines if "@example," not in line))
        args = ["run", "--source", str(seattle_closed(folder)), "--as-of", NEXT_DAY]
        before, exported = received(current.outbox), exported_snapshot(current)

        def broken(*args: object, **kwargs: object) -> None:
            raise OSError(EXPORTS_BROKEN)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(reports_assets, "export_marts", broken)
            failing = printed_run(args)
        with open_lake(current) as con:
            (snapshot,) = con.execute("select max(snapshot_id) from main.runs").fetchall()[0]
        page = (current.site / "trials" / "NCT06529731.html").read_text()
        kept = (received(current.outbox), exported_snapshot(current))
        kept += (exported_sites(current.exports), page, snapshot)
        again = printed_run(args)
        return NextDay(current, failing, again, before, exported, *kept)
